using System.Text;

namespace Parsec.Search.RunFiles;

/// <summary>What was found non-finite, and where: the run stops and writes this as nan_report.txt.</summary>
/// <param name="Iteration">The iteration being computed (1-based).</param>
/// <param name="Sample">The architecture sample (0-based) in progress, or null when the value is not tied to one (gradients after accumulation).</param>
/// <param name="Phase">Which part of the iteration: "train forward", "weight gradients", "weight update", "validation forward", "prior gradient".</param>
/// <param name="Tensor">The tensor or quantity that holds the non-finite value.</param>
/// <param name="Architecture">The sampled architecture, when there is one.</param>
public sealed record NonFiniteReport(int Iteration, int? Sample, string Phase, string Tensor, string? Architecture)
{
    public string Describe(int? lastCheckpointIteration)
    {
        var text = new StringBuilder();
        text.AppendLine("The search stopped: a non-finite value (NaN or infinity) appeared.");
        text.AppendLine($"iteration:  {Iteration}");
        text.AppendLine($"sample:     {(Sample is { } s ? s.ToString() : "(after all samples)")}");
        text.AppendLine($"phase:      {Phase}");
        text.AppendLine($"tensor:     {Tensor}");
        if (Architecture is not null) text.AppendLine($"architecture: {Architecture}");
        text.AppendLine(lastCheckpointIteration is { } c
            ? $"The last good checkpoint (iteration {c}) was kept; its whole state was checked finite before it was written. Resume from it with a lower step size, e.g. `parsec search --resume <this folder> --lr <lower rate>` (--prior-lr and --grad-clip can be changed the same way)."
            : "No checkpoint had been written yet.");
        return text.ToString();
    }
}

/// <summary>Thrown inside an iteration when a check finds a non-finite value; the loop turns it into a report.</summary>
internal sealed class NonFiniteValueException(NonFiniteReport report)
    : Exception($"non-finite value in {report.Tensor} ({report.Phase}) at iteration {report.Iteration}")
{
    public NonFiniteReport Report { get; } = report;
}
