
namespace Parsec.Search.RunFiles;

/// <summary>
/// The check every checkpoint passes before it is written: weights, batch-norm running statistics, optimizer
/// state and (for a search) pi's logits and Adam's moments must all be finite. A loss can stay finite while a
/// running variance has overflowed; writing such a state would make "the last good checkpoint" a lie and a
/// resume diverge at once, so it is never written.
/// </summary>
internal static class FiniteState
{
    /// <summary>Throws <see cref="NonFiniteStateException"/> naming the first non-finite tensor or value list.</summary>
    public static void Require(string path, IEnumerable<NamedTensor> tensors, IEnumerable<(string Name, double[] Values)>? values = null)
    {
        foreach (var t in tensors)
            if (!Array.TrueForAll(t.Data, float.IsFinite)) throw new NonFiniteStateException(path, t.Name);
        foreach (var (name, list) in values ?? [])
            if (!Array.TrueForAll(list, double.IsFinite)) throw new NonFiniteStateException(path, name);
    }
}

/// <summary>A state that holds a NaN or infinity was about to be saved; the previous file at <see cref="Path"/> is kept.</summary>
internal sealed class NonFiniteStateException(string path, string tensor)
    : Exception($"{tensor} holds a NaN or infinity, so {System.IO.Path.GetFileName(path)} was not written (the previous one is kept)")
{
    public string Path { get; } = path;
    public string Tensor { get; } = tensor;
}
