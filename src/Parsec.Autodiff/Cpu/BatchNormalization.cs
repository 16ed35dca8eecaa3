using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Batch norm per channel over (N, H, W), PyTorch semantics, optionally fused with the ReLU that follows it.
/// Statistics are summed per plane in T and across planes in double, and the variance is taken around the mean
/// (two passes) rather than as E[x^2] - E[x]^2, which loses everything to cancellation in float32 when
/// |mean| >> std. Each channel is an independent task. With the ReLU, forward writes max(bn(x), 0) and backward
/// reads the upstream gradient only where that output is above zero, as ReluBackward would have passed it on.
/// </summary>
internal static class BatchNormalization
{
    public static void Training<T>(Shape4 s, T[] x, T[]? gamma, T[]? beta, T[] runMean, T[] runVar, double momentum, double epsilon,
        T[] y, T[] saveMean, T[] saveInvStd, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        long count = (long)s.N * plane;
        CpuParallel.For(s.C, 3 * count, c =>
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++) sum += double.CreateTruncating(TensorPrimitives.Sum<T>(x.AsSpan((n * s.C + c) * plane, plane)));
            double mean = sum / count;
            double squares = 0;
            T meanT = T.CreateTruncating(mean);
            for (int n = 0; n < s.N; n++) squares += double.CreateTruncating(SumSquaredDeviation(x.AsSpan((n * s.C + c) * plane, plane), meanT));
            double variance = squares / count;
            double invStd = 1.0 / Math.Sqrt(variance + epsilon);
            saveMean[c] = meanT;
            saveInvStd[c] = T.CreateTruncating(invStd);
            runMean[c] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(runMean[c]) + momentum * mean);
            double unbiased = variance * count / (count - 1);
            runVar[c] = T.CreateTruncating((1 - momentum) * double.CreateTruncating(runVar[c]) + momentum * unbiased);
            double scale = invStd * (gamma is null ? 1.0 : double.CreateTruncating(gamma[c]));
            double shift = (beta is null ? 0.0 : double.CreateTruncating(beta[c])) - mean * scale;
            for (int n = 0; n < s.N; n++)
            {
                int offset = (n * s.C + c) * plane;
                Affine<T>(x.AsSpan(offset, plane), T.CreateTruncating(scale), T.CreateTruncating(shift), y.AsSpan(offset, plane), relu);
            }
        });
    }

    public static void Inference<T>(Shape4 s, T[] x, T[]? gamma, T[]? beta, T[] runMean, T[] runVar, double epsilon, T[] y, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        CpuParallel.For(s.N * s.C, plane, p =>
        {
            int c = p % s.C;
            double scale = (gamma is null ? 1.0 : double.CreateTruncating(gamma[c])) / Math.Sqrt(double.CreateTruncating(runVar[c]) + epsilon);
            double shift = (beta is null ? 0.0 : double.CreateTruncating(beta[c])) - double.CreateTruncating(runMean[c]) * scale;
            Affine<T>(x.AsSpan(p * plane, plane), T.CreateTruncating(scale), T.CreateTruncating(shift), y.AsSpan(p * plane, plane), relu);
        });
    }

    /// <summary>
    /// With xhat = (x - mean) invStd, m = N H W: dbeta = sum dy, dgamma = sum dy xhat and
    /// dx = gamma invStd (dy - dbeta / m - xhat dgamma / m), written as dx = a dy + b x + c per channel.
    /// With <paramref name="reluOutput"/> (the forward's max(bn(x), 0)), dy counts only where that output is above zero.
    /// </summary>
    public static void Backward<T>(Shape4 s, T[] x, T[] dy, T[]? gamma, T[] saveMean, T[] saveInvStd, T[] dx, T[]? dgamma, T[]? dbeta, bool accumulate,
        T[]? reluOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        long count = (long)s.N * plane;
        CpuParallel.For(s.C, 3 * count, c =>
        {
            T mean = saveMean[c];
            double invStd = double.CreateTruncating(saveInvStd[c]);
            double sumDy = 0, sumDyCentered = 0;
            for (int n = 0; n < s.N; n++)
            {
                int offset = (n * s.C + c) * plane;
                var (dySum, dyCentered) = GradientSums(dy.AsSpan(offset, plane), x.AsSpan(offset, plane), mean, MaskOf(reluOutput, offset, plane));
                sumDy += double.CreateTruncating(dySum);
                sumDyCentered += double.CreateTruncating(dyCentered);
            }
            double sumDyXhat = sumDyCentered * invStd;
            if (dgamma is not null) dgamma[c] += T.CreateTruncating(sumDyXhat);
            if (dbeta is not null) dbeta[c] += T.CreateTruncating(sumDy);
            double g = gamma is null ? 1.0 : double.CreateTruncating(gamma[c]);
            double a = g * invStd;
            double b = -a * invStd * sumDyXhat / count;
            double constant = -a * sumDy / count - b * double.CreateTruncating(mean);
            for (int n = 0; n < s.N; n++)
            {
                int offset = (n * s.C + c) * plane;
                AffineOfTwo(dy.AsSpan(offset, plane), T.CreateTruncating(a), x.AsSpan(offset, plane), T.CreateTruncating(b),
                    T.CreateTruncating(constant), dx.AsSpan(offset, plane), accumulate, MaskOf(reluOutput, offset, plane));
            }
        });
    }

    private static ReadOnlySpan<T> MaskOf<T>(T[]? reluOutput, int offset, int length) => reluOutput is null ? default : new ReadOnlySpan<T>(reluOutput, offset, length);

    /// <summary>dy[i], or 0 where a non-empty mask is not above zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Gradient<T>(ref T dy, ref T mask, nuint at, bool masked) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = Vector.LoadUnsafe(ref dy, at);
        return masked ? Vector.ConditionalSelect(Vector.GreaterThan(Vector.LoadUnsafe(ref mask, at), Vector<T>.Zero), g, Vector<T>.Zero) : g;
    }

    /// <summary>y[i] = a * x[i] + b, or max(a * x[i] + b, 0) with the ReLU (NaN kept, as the ReLU op keeps it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Affine<T>(ReadOnlySpan<T> x, T a, T b, Span<T> y, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, i = 0;
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        Vector<T> va = new(a), vb = new(b);
        for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
        {
            var v = VectorMath.Fma(va, Vector.LoadUnsafe(ref xr, (nuint)i), vb);
            Vector.StoreUnsafe(relu ? Vector.Max(v, Vector<T>.Zero) : v, ref yr, (nuint)i);
        }
        for (; i < n; i++)
        {
            T v = a * Unsafe.Add(ref xr, i) + b;
            Unsafe.Add(ref yr, i) = relu ? T.Max(v, T.Zero) : v;
        }
    }

    /// <summary>Sum of (x - mean)^2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T SumSquaredDeviation<T>(ReadOnlySpan<T> x, T mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        ref T xr = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var vm = new Vector<T>(mean);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var d = Vector.LoadUnsafe(ref xr, (nuint)i) - vm;
                acc = VectorMath.Fma(d, d, acc);
            }
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++)
        {
            T d = Unsafe.Add(ref xr, i) - mean;
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Sum of dy and sum of dy * (x - mean), in one pass (dy masked as <see cref="Gradient{T}"/> says).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (T Sum, T Centered) GradientSums<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, T mean, ReadOnlySpan<T> mask) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0, n = x.Length;
        bool masked = !mask.IsEmpty;
        ref T dr = ref MemoryMarshal.GetReference(dy);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T mr = ref MemoryMarshal.GetReference(mask);
        Vector<T> sum = default, centered = default;
        var vm = new Vector<T>(mean);
        for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
        {
            var g = Gradient(ref dr, ref mr, (nuint)i, masked);
            sum += g;
            centered = VectorMath.Fma(g, Vector.LoadUnsafe(ref xr, (nuint)i) - vm, centered);
        }
        T s = Vector.Sum(sum), d = Vector.Sum(centered);
        for (; i < n; i++)
        {
            T g = masked && !(Unsafe.Add(ref mr, i) > T.Zero) ? T.Zero : Unsafe.Add(ref dr, i);
            s += g;
            d += g * (Unsafe.Add(ref xr, i) - mean);
        }
        return (s, d);
    }

    /// <summary>dst (+)= a * u + b * v + c, u masked as <see cref="Gradient{T}"/> says.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineOfTwo<T>(ReadOnlySpan<T> u, T a, ReadOnlySpan<T> v, T b, T c, Span<T> dst, bool accumulate, ReadOnlySpan<T> mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        bool masked = !mask.IsEmpty;
        ref T ur = ref MemoryMarshal.GetReference(u);
        ref T vr = ref MemoryMarshal.GetReference(v);
        ref T dr = ref MemoryMarshal.GetReference(dst);
        ref T mr = ref MemoryMarshal.GetReference(mask);
        Vector<T> va = new(a), vb = new(b), vc = new(c);
        for (; i <= dst.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var r = VectorMath.Fma(Gradient(ref ur, ref mr, (nuint)i, masked), va, VectorMath.Fma(Vector.LoadUnsafe(ref vr, (nuint)i), vb, vc));
            if (accumulate) r += Vector.LoadUnsafe(ref dr, (nuint)i);
            Vector.StoreUnsafe(r, ref dr, (nuint)i);
        }
        for (; i < dst.Length; i++)
        {
            T g = masked && !(Unsafe.Add(ref mr, i) > T.Zero) ? T.Zero : Unsafe.Add(ref ur, i);
            T r = g * a + (Unsafe.Add(ref vr, i) * b + c);
            Unsafe.Add(ref dr, i) = accumulate ? Unsafe.Add(ref dr, i) + r : r;
        }
    }
}
