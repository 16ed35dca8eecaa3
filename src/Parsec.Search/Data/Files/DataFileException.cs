namespace Parsec.Search.Data.Files;

/// <summary>
/// A dataset file that does not match its format. The message always names the file and, where the fault
/// has a position, the byte offset and record, and says what was expected there.
/// </summary>
internal sealed class DataFileException : BadInputException
{
    public DataFileException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        FilePath = path;
    }

    public DataFileException(string path, long offset, string message)
        : base($"{path} at byte {offset}: {message}")
    {
        FilePath = path;
        Offset = offset;
    }

    public string FilePath { get; }

    /// <summary>Byte offset of the fault within the (decompressed) file, when it has one.</summary>
    public long? Offset { get; }
}
