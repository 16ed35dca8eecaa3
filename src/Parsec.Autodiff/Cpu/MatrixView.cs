namespace Parsec.Autodiff.Cpu;

/// <summary>
/// A row-major matrix inside a flat array, read as op(M): element (r, c) of op(M) is
/// Data[Offset + r * Ld + c], or Data[Offset + c * Ld + r] when <see cref="Transposed"/>.
/// </summary>
internal readonly record struct MatrixView<T>(T[] Data, int Offset, int Ld, bool Transposed)
{
    /// <summary>The view of op(M) starting at row r0 and column c0.</summary>
    public MatrixView<T> At(int r0, int c0) =>
        this with { Offset = Transposed ? Offset + c0 * Ld + r0 : Offset + r0 * Ld + c0 };
}
