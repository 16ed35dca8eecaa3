using System.Text.Json;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Reports;

/// <summary>
/// The distribution of one cell type at one moment: for each of its space's terms, the probabilities of its input
/// (term k feeds node k/2, which may read k/2 + 2 earlier nodes) and of its operation (in the order of the space's
/// <see cref="SearchSpace.Ops"/>).
/// </summary>
internal sealed record CellPi(IReadOnlyList<double[]> Inputs, IReadOnlyList<double[]> Ops)
{
    public SearchSpace Space { get; init; } = SearchSpace.Darts;

    /// <summary>The most likely choice of every categorical; because they are independent this is the most likely cell.</summary>
    public IReadOnlyList<GenotypeTerm> MostLikelyTerms() =>
        Enumerable.Range(0, Space.Terms)
            .Select(k => new GenotypeTerm(Space.Ops[ArgMax(Ops[k])], ArgMax(Inputs[k])))
            .ToList();

    public static int ArgMax(double[] p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++)
            if (p[i] > p[best]) best = i;
        return best;
    }
}

internal sealed record PiSnapshot(long Iteration, CellPi Normal, CellPi Reduce)
{
    public Genotype MostLikelyGenotype() => new(Normal.MostLikelyTerms(), Reduce.MostLikelyTerms()) { Space = Normal.Space };
}

/// <summary>How pi moved during a search: one snapshot per logged iteration, in file order, of pi over <see cref="Space"/>.</summary>
internal sealed record PiHistory(string Path, IReadOnlyList<PiSnapshot> Snapshots, IReadOnlyList<string> Warnings)
{
    public SearchSpace Space { get; init; } = SearchSpace.Darts;
}

/// <summary>Reads pi_history.jsonl, checking every snapshot's shape against the run's search space.</summary>
internal static class PiHistoryFile
{
    public const string FileName = "pi_history.jsonl";

    /// <summary>
    /// How far a categorical's probabilities may sum from 1. Loose on purpose: writers round to a few digits, but
    /// logits or unnormalised weights written by mistake are caught.
    /// </summary>
    private const double SumTolerance = 1e-2;

    /// <param name="space">The space of the search that wrote it; null: the space the options.json beside it records.</param>
    public static PiHistory Read(string path, SearchSpace? space = null)
    {
        space ??= RunSpace.Of(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var snapshots = new List<PiSnapshot>();
        var warnings = new List<string>();
        JsonLines.Read(path, (lineNumber, obj) =>
        {
            // The iteration is optional so that a hand-made or older history still plots (against its line order).
            long iteration = snapshots.Count;
            if (obj.TryGetProperty("iteration", out var it))
            {
                if (!JsonLines.TryGetNumber(it, out double v) || !double.IsFinite(v))
                    throw new RunFileFormatException(path, lineNumber, $"'iteration' should be a number, found {JsonLines.Describe(it.ValueKind)}");
                iteration = (long)v;
            }
            var normal = ReadCell(obj, "normal", path, lineNumber, space);
            var reduce = ReadCell(obj, "reduce", path, lineNumber, space);
            snapshots.Add(new PiSnapshot(iteration, normal, reduce));
        }, warnings);
        return new PiHistory(path, snapshots, warnings) { Space = space };
    }

    private static CellPi ReadCell(JsonElement obj, string cell, string path, int line, SearchSpace space)
    {
        if (!obj.TryGetProperty(cell, out var c) || c.ValueKind != JsonValueKind.Object)
            throw new RunFileFormatException(path, line, $"expected an object '{cell}' with 'inputs' and 'ops'");
        var inputs = ReadTerms(c, cell, "inputs", space.Terms, CellLayout.InputsOfTerm, path, line);
        var ops = ReadTerms(c, cell, "ops", space.Terms, _ => space.Ops.Count, path, line);
        return new CellPi(inputs, ops) { Space = space };
    }

    private static double[][] ReadTerms(JsonElement cellObj, string cell, string field, int count, Func<int, int> width, string path, int line)
    {
        if (!cellObj.TryGetProperty(field, out var terms) || terms.ValueKind != JsonValueKind.Array)
            throw new RunFileFormatException(path, line, $"'{cell}.{field}' should be an array of {count} probability lists");
        if (terms.GetArrayLength() != count)
            throw new RunFileFormatException(path, line, $"'{cell}.{field}' has {terms.GetArrayLength()} terms, expected {count}");
        var result = new double[count][];
        int k = 0;
        foreach (var term in terms.EnumerateArray())
        {
            int expected = width(k);
            string where = $"{cell}.{field}[{k}]";
            if (term.ValueKind != JsonValueKind.Array || term.GetArrayLength() != expected)
                throw new RunFileFormatException(path, line, $"'{where}' should list {expected} probabilities, found {(term.ValueKind == JsonValueKind.Array ? term.GetArrayLength() + " values" : JsonLines.Describe(term.ValueKind))}");
            var p = new double[expected];
            int i = 0;
            foreach (var value in term.EnumerateArray())
            {
                if (!JsonLines.TryGetNumber(value, out double v) || !double.IsFinite(v) || v < -SumTolerance || v > 1 + SumTolerance)
                    throw new RunFileFormatException(path, line, $"'{where}[{i}]' is not a probability: {value.GetRawText()}");
                p[i++] = Math.Clamp(v, 0, 1);
            }
            double sum = p.Sum();
            if (Math.Abs(sum - 1) > SumTolerance)
                throw new RunFileFormatException(path, line, $"'{where}' sums to {sum:G4}, not 1");
            result[k++] = p;
        }
        return result;
    }
}
