using Parsec.Search.Model.Layers;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Training;

/// <summary>
/// Moves a network's weights and batch-norm statistics to and from named host arrays (the entries of a
/// safetensors file). Names are the network's own, which follow its module structure
/// ("cells.3.node1.term2.sep_conv_3x3.op.1.weight", "stem.1.running_mean", ...).
/// </summary>
internal static class NetworkWeights
{
    public static List<NamedTensor> Export(ParameterStore store) =>
        store.All.Select(t => new NamedTensor(t.Name!, t.Shape, t.ToFloatArray())).ToList();

    /// <summary>
    /// Copies every weight and buffer of <paramref name="store"/> from <paramref name="content"/>. All of the
    /// store's tensors must be present with the same shape; entries under <paramref name="ignoredPrefix"/>
    /// (optimizer state kept in the same file) may be there too, and anything else is an error, since it means
    /// the file was written for a different architecture.
    /// </summary>
    public static void Import(ParameterStore store, SafeTensorsContent content, string source, string? ignoredPrefix = null)
    {
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in store.All)
        {
            expected.Add(t.Name!);
            if (!content.Contains(t.Name!)) { problems.Add($"missing '{t.Name}' ({Shape(t.Shape)})"); continue; }
            var saved = content.Get(t.Name!, source);
            if (!saved.Shape.AsSpan().SequenceEqual(t.Shape)) problems.Add($"'{t.Name}' is {Shape(saved.Shape)} in the file, {Shape(t.Shape)} in the network");
        }
        foreach (var saved in content.Tensors)
            if (!expected.Contains(saved.Name) && (ignoredPrefix is null || !saved.Name.StartsWith(ignoredPrefix, StringComparison.Ordinal)))
                problems.Add($"unexpected '{saved.Name}' ({Shape(saved.Shape)})");
        if (problems.Count > 0)
            throw new BadInputException(
                $"{source}: the weights do not fit this network ({problems.Count} problem(s); was it saved for another genotype or size?): " +
                string.Join("; ", problems.Take(8)) + (problems.Count > 8 ? "; ..." : ""));
        foreach (var t in store.All) CopyIn(t, content.Get(t.Name!, source).Data);
    }

    internal static void CopyIn(Tensor t, float[] values)
    {
        if (t.DType == DType.Float64) t.Backend.CopyIn(t.Storage, Array.ConvertAll(values, v => (double)v));
        else t.Backend.CopyIn(t.Storage, values);
    }

    private static string Shape(int[] shape) => $"({string.Join(", ", shape)})";
}
