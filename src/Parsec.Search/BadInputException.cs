namespace Parsec.Search;

/// <summary>
/// Input the user gave is wrong, found by a check that lives below the command line because it needs what only that
/// layer knows (the network's geometry, for one). It ends the command with exit 2 like any refused flag or file,
/// where an exception of the same layer otherwise means a bug (exit 1, "internal error").
/// </summary>
internal sealed class BadInputException(string message) : ArgumentException(message);
