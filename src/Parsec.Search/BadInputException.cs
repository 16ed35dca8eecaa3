namespace Parsec.Search;

/// <summary>
/// Input the user gave is wrong: a flag, a file, a genotype, a dataset, a run folder. Thrown only where such input is
/// checked, and, besides the command-line parser's own refusals of a flag, the only exception that ends a command
/// with exit 2 (bad input); any other exception that reaches the top is exit 1, and one of the argument-checking
/// kinds is reported as a bug in parsec. It derives from ArgumentException so that the option records' validation,
/// which Spectre calls for each command, can catch it.
/// </summary>
internal class BadInputException(string message, Exception? inner = null) : ArgumentException(message, inner);
