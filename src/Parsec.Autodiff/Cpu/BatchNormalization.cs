using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Batch norm per channel over (N, H, W), PyTorch semantics. Statistics are summed per plane in T and
/// across planes in double, and the variance is taken around the mean (two passes) rather than as
/// E[x^2] - E[x]^2, which loses everything to cancellation in float32 when |mean| >> std.
/// Each channel is an independent task.
/// </summary>
internal static class BatchNormalization
{
    public static void Training<T>(Shape4 s, T[] x, T[]? gamma, T[]? beta, T[] runMean, T[] runVar, double momentum, double epsilon,
        T[] y, T[] saveMean, T[] saveInvStd) where T : unmanaged, IFloatingPointIeee754<T>
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
                VectorMath.Affine<T>(x.AsSpan(offset, plane), T.CreateTruncating(scale), T.CreateTruncating(shift), y.AsSpan(offset, plane));
            }
        });
    }

    public static void Inference<T>(Shape4 s, T[] x, T[]? gamma, T[]? beta, T[] runMean, T[] runVar, double epsilon, T[] y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        CpuParallel.For(s.N * s.C, plane, p =>
        {
            int c = p % s.C;
            double scale = (gamma is null ? 1.0 : double.CreateTruncating(gamma[c])) / Math.Sqrt(double.CreateTruncating(runVar[c]) + epsilon);
            double shift = (beta is null ? 0.0 : double.CreateTruncating(beta[c])) - double.CreateTruncating(runMean[c]) * scale;
            VectorMath.Affine<T>(x.AsSpan(p * plane, plane), T.CreateTruncating(scale), T.CreateTruncating(shift), y.AsSpan(p * plane, plane));
        });
    }

    /// <summary>
    /// With xhat = (x - mean) invStd, m = N H W: dbeta = sum dy, dgamma = sum dy xhat and
    /// dx = gamma invStd (dy - dbeta / m - xhat dgamma / m), written as dx = a dy + b x + c per channel.
    /// </summary>
    public static void Backward<T>(Shape4 s, T[] x, T[] dy, T[]? gamma, T[] saveMean, T[] saveInvStd, T[] dx, T[]? dgamma, T[]? dbeta, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
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
                sumDy += double.CreateTruncating(TensorPrimitives.Sum<T>(dy.AsSpan(offset, plane)));
                sumDyCentered += double.CreateTruncating(DotCentered(dy.AsSpan(offset, plane), x.AsSpan(offset, plane), mean));
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
                    T.CreateTruncating(constant), dx.AsSpan(offset, plane), accumulate);
            }
        });
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

    /// <summary>Sum of dy * (x - mean).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T DotCentered<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, T mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        ref T dr = ref MemoryMarshal.GetReference(dy);
        ref T xr = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var vm = new Vector<T>(mean);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
                acc = VectorMath.Fma(Vector.LoadUnsafe(ref dr, (nuint)i), Vector.LoadUnsafe(ref xr, (nuint)i) - vm, acc);
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += Unsafe.Add(ref dr, i) * (Unsafe.Add(ref xr, i) - mean);
        return sum;
    }

    /// <summary>dst (+)= a * u + b * v + c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AffineOfTwo<T>(ReadOnlySpan<T> u, T a, ReadOnlySpan<T> v, T b, T c, Span<T> dst, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        ref T ur = ref MemoryMarshal.GetReference(u);
        ref T vr = ref MemoryMarshal.GetReference(v);
        ref T dr = ref MemoryMarshal.GetReference(dst);
        if (Vector.IsHardwareAccelerated && dst.Length >= Vector<T>.Count)
        {
            Vector<T> va = new(a), vb = new(b), vc = new(c);
            for (; i <= dst.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var r = VectorMath.Fma(Vector.LoadUnsafe(ref ur, (nuint)i), va, VectorMath.Fma(Vector.LoadUnsafe(ref vr, (nuint)i), vb, vc));
                if (accumulate) r += Vector.LoadUnsafe(ref dr, (nuint)i);
                Vector.StoreUnsafe(r, ref dr, (nuint)i);
            }
        }
        for (; i < dst.Length; i++)
        {
            T r = Unsafe.Add(ref ur, i) * a + (Unsafe.Add(ref vr, i) * b + c);
            Unsafe.Add(ref dr, i) = accumulate ? Unsafe.Add(ref dr, i) + r : r;
        }
    }
}
