namespace Parsec.Autodiff;

/// <summary>
/// A per-step buffer and the interval of logical time it must exist for. Time runs 0..2N-1 for a tape of
/// N nodes: node i's forward is at time i, its backward at time 2N - 1 - i. Start and End are inclusive.
/// </summary>
public readonly record struct BufferLifetime(int TensorId, string Name, long Bytes, BufferCategory Category, int Start, int End)
{
    public bool Overlaps(BufferLifetime other) => Start <= other.End && other.Start <= End;
}
