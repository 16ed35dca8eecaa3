namespace Parsec.Search.RunFiles;

/// <summary>A run file that cannot be read; names the file and the 1-based line so the bad record can be found.</summary>
internal sealed class RunFileFormatException : BadInputException
{
    public RunFileFormatException(string filePath, int lineNumber, string reason, Exception? inner = null)
        : base($"{filePath}, line {lineNumber}: {reason}", inner)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Reason = reason;
    }

    public string FilePath { get; }
    public int LineNumber { get; }
    public string Reason { get; }
}
