namespace Parsec.Search.RunFiles;

/// <summary>A run file that cannot be read; names the file and the 1-based line so the bad record can be found.</summary>
internal sealed class RunFileFormatException(string filePath, int lineNumber, string reason, Exception? inner = null)
    : BadInputException($"{filePath}, line {lineNumber}: {reason}", inner)
{
    public string FilePath { get; } = filePath;
    public int LineNumber { get; } = lineNumber;
    public string Reason { get; } = reason;
}
