namespace Parsec.Search;

/// <summary>
/// Input the user gave is wrong: a flag, a file, a genotype, a dataset, a run folder. Thrown only where such input is
/// checked, and, besides the command-line parser's own refusals of a flag, the only exception that ends a command
/// with exit 2 (bad input); any other exception that reaches the top is exit 1, and one of the argument-checking
/// kinds is reported as a bug in parsec. It derives from ArgumentException so that the option records' validation,
/// which Spectre calls for each command, can catch it.
/// </summary>
internal class BadInputException : ArgumentException
{
    public BadInputException(string message, Exception? inner = null) : base(message, inner) { }

    /// <param name="subject">The file, folder or parameter the input came from, where the message is about one.</param>
    public BadInputException(string message, string? subject) : base(message) => Subject = subject;

    /// <summary>The file, folder or parameter the input came from, when the check named one.</summary>
    public string? Subject { get; }
}
