namespace Parsec.Search.Training;

/// <summary>The training loss became NaN or infinite; the run stops and keeps its last checkpoint (the command exits with <see cref="Runs.ExitCodes.NonFinite"/>).</summary>
internal sealed class TrainingDivergedException(string message) : Exception(message);
