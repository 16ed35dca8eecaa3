namespace Parsec.Autodiff;

public sealed partial class Tape
{
    /// <summary>y (N, Out) = x (N, In) * w (Out, In)^T + b (Out).</summary>
    public Tensor Linear(Tensor x, Tensor w, Tensor b)
    {
        if (x.Rank != 2 || w.Rank != 2 || b.Rank != 1 || x.Shape[1] != w.Shape[1] || b.Shape[0] != w.Shape[0])
            throw new ArgumentException($"linear: expected x (N, In), w (Out, In), b (Out); got ({string.Join(", ", x.Shape)}), ({string.Join(", ", w.Shape)}), ({string.Join(", ", b.Shape)})");
        int n = x.Shape[0], inF = x.Shape[1], outF = w.Shape[0];
        var y = NewOutput([n, outF], x.DType, "linear");
        Backend.Gemm(new GemmArgs(false, true, n, outF, inF, 1.0, x.Storage, w.Storage, 0.0, y.Storage));
        Backend.AddBias(new AddBiasArgs(y.Storage, b.Storage, n, outF));
        Record("linear", [x, w, b], y, [x, w], ctx =>
        {
            var dy = ctx.OutputGrad().Storage;
            // dW (Out, In) = dy^T (Out, N) * x (N, In)
            if (ctx.TryGradOf(w, out var dw, out bool accW)) ctx.Backend.Gemm(new GemmArgs(true, false, outF, inF, n, 1.0, dy, x.Storage, accW ? 1.0 : 0.0, dw));
            if (ctx.TryGradOf(b, out var db, out bool accB)) ctx.Backend.BiasBackward(new BiasBackwardArgs(dy, n, outF, db, accB));
            // dx (N, In) = dy (N, Out) * W (Out, In)
            if (ctx.TryGradOf(x, out var dx, out bool accX)) ctx.Backend.Gemm(new GemmArgs(false, false, n, inF, outF, 1.0, dy, w.Storage, accX ? 1.0 : 0.0, dx));
        });
        return y;
    }
}
