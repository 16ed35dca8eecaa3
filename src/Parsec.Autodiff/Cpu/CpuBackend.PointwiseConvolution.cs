using System.Buffers;
using System.Numerics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// 1x1 stride-1 unpadded convolutions (the pointwise half of every separable convolution and the cells' input
/// projections): per group a product with the input plane itself, batched over samples (<see cref="BatchedGemm{T}"/>).
/// Forward and data gradient pack the weights once per block of samples; the filter gradient of small planes runs
/// its inner dimension through all of a block's samples (larger planes take a product per sample, see
/// <see cref="BatchesFilterGradient"/>). A fused input ReLU is applied as B is packed.
/// </summary>
public sealed partial class CpuBackend
{
    /// <summary>1x1, stride 1, no padding: the input plane already is the GEMM operand.</summary>
    private static bool IsPointwise(Conv2dGeometry g) => g.IsSquare && g.Kernel == 1 && g.Stride == 1 && g.Padding == 0;

    private static void PointwiseForward<T>(Conv2dGeometry g, T[] x, T[] w, T[] y, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Input.H * g.Input.W, icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        CpuParallel.ForBlocks(g.Input.N, (long)g.OutChannels * icg * plane, (start, end) =>
        {
            for (int grp = 0; grp < g.Groups; grp++)
            {
                using var weights = new BatchedGemm<T>.PackedA(ocg, icg, new MatrixView<T>(w, grp * ocg * icg, icg, false));
                for (int n = start; n < end; n++)
                    weights.Multiply(plane, new MatrixView<T>(x, (n * g.Input.C + grp * icg) * plane, plane, false), relu, T.Zero,
                        y, (n * g.OutChannels + grp * ocg) * plane, plane);
            }
        });
    }

    /// <param name="reluMask">The forward input when the convolution read max(x, 0): each sample's gradient is masked by x > 0.</param>
    private static void PointwiseBackwardData<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate, T[]? reluMask) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Input.H * g.Input.W, icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup, sampleLength = g.Input.C * plane;
        CpuParallel.ForBlocks(g.Input.N, (long)g.OutChannels * icg * plane, (start, end) =>
        {
            // With a ReLU mask a sample's unmasked gradient is built in scratch first, then masked into dx.
            T[]? unmasked = reluMask is null ? null : ArrayPool<T>.Shared.Rent(sampleLength);
            var weights = new BatchedGemm<T>.PackedA[g.Groups];
            try
            {
                for (int grp = 0; grp < g.Groups; grp++)
                    weights[grp] = new BatchedGemm<T>.PackedA(icg, ocg, new MatrixView<T>(w, grp * ocg * icg, icg, true)); // W_g^T (icg, ocg)
                for (int n = start; n < end; n++)
                {
                    var (target, offset, beta) = unmasked is null ? (dx, n * sampleLength, accumulate ? T.One : T.Zero) : (unmasked, 0, T.Zero);
                    for (int grp = 0; grp < g.Groups; grp++)
                        weights[grp].Multiply(plane, new MatrixView<T>(dy, (n * g.OutChannels + grp * ocg) * plane, plane, false), false, beta,
                            target, offset + grp * icg * plane, plane);
                    if (unmasked is not null)
                        VectorMath.MaskedCopyOrAdd<T>(unmasked.AsSpan(0, sampleLength), reluMask.AsSpan(n * sampleLength, sampleLength),
                            dx.AsSpan(n * sampleLength, sampleLength), accumulate);
                }
            }
            finally
            {
                foreach (var packed in weights) packed?.Dispose();
                if (unmasked is not null) ArrayPool<T>.Shared.Return(unmasked);
            }
        });
    }

    /// <summary>
    /// Whether the filter gradient is one product over the batch. Its packing copies (ocg + icg) values per position
    /// of every plane, worth it only where the per-sample alternative (dot products as long as the plane, see
    /// <see cref="DotProductGemm{T}"/>) spends more on finishing short sums: measured faster for 8 x 8 planes
    /// (about 2x), slower from 16 x 16 on (1.2-2.7x).
    /// </summary>
    private static bool BatchesFilterGradient(Conv2dGeometry g) => g.Input.H * g.Input.W < 256;

    private static void PointwiseBackwardFilter<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = g.Input.H * g.Input.W, icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup, weightLength = (int)g.WeightLength;
        long work = (long)g.OutChannels * icg * plane;
        // Each range of samples sums into its own partial filter gradient; the partials are then added in range
        // order, so the result does not depend on which thread finished first.
        int ranges = CpuParallel.RangeCount(g.Input.N, work);
        var partials = new T[ranges][];
        try
        {
            CpuParallel.ForRanges(g.Input.N, work, (r, start, end) =>
            {
                var partial = partials[r] = ArrayPool<T>.Shared.Rent(weightLength);
                // dW_g (ocg, icg) = sum over samples of dy_g (ocg, plane) * x_g^T (plane, icg)
                if (BatchesFilterGradient(g))
                {
                    for (int grp = 0; grp < g.Groups; grp++)
                        BatchedGemm<T>.ReduceOverBatch(ocg, icg, plane, end - start,
                            new MatrixView<T>(dy, (start * g.OutChannels + grp * ocg) * plane, plane, false), g.OutChannels * plane,
                            new MatrixView<T>(x, (start * g.Input.C + grp * icg) * plane, plane, true), g.Input.C * plane, relu,
                            T.Zero, partial, grp * ocg * icg, icg);
                    return;
                }
                // Per sample, x read in place (or through the ReLU, copied once into scratch).
                var copy = relu ? ArrayPool<T>.Shared.Rent(icg * plane) : null;
                try
                {
                    for (int n = start; n < end; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            int xOffset = (n * g.Input.C + grp * icg) * plane;
                            if (copy is not null) ConvolutionWindow.CopyRow<T>(x.AsSpan(xOffset, icg * plane), copy, relu: true);
                            var b = copy is null ? new MatrixView<T>(x, xOffset, plane, true) : new MatrixView<T>(copy, 0, plane, true);
                            var a = new MatrixView<T>(dy, (n * g.OutChannels + grp * ocg) * plane, plane, false);
                            GemmKernel<T>.Multiply(ocg, icg, plane, T.One, a, b, n == start ? T.Zero : T.One, partial, grp * ocg * icg, icg);
                        }
                }
                finally
                {
                    if (copy is not null) ArrayPool<T>.Shared.Return(copy);
                }
            });
            AddPartials(partials, dw.AsSpan(0, weightLength), accumulate);
        }
        finally
        {
            ReturnPartials(partials);
        }
    }
}
