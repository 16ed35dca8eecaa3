using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// The few SIMD loops the kernels share. Generic over float and double; <see cref="Fma"/> picks the
/// hardware fused multiply-add for both (the JIT removes the untaken branches per instantiation).
/// Hot kernels across the backend are marked AggressiveOptimization: a training step calls each only tens
/// of times, so tiered compilation would otherwise run them unoptimised for many steps.
/// </summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    /// <summary>y[i] += alpha * x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = y.Length, i = 0;
        ref T xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref T yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            var va = new Vector<T>(alpha);
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                Vector.StoreUnsafe(Fma(va, Vector.LoadUnsafe(ref xr, (nuint)i), Vector.LoadUnsafe(ref yr, (nuint)i)), ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) += alpha * Unsafe.Add(ref xr, i);
    }

    /// <summary>Sum of x[i] * y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length, i = 0;
        ref T xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref T yr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                acc = Fma(Vector.LoadUnsafe(ref xr, (nuint)i), Vector.LoadUnsafe(ref yr, (nuint)i), acc);
            sum = Vector.Sum(acc);
        }
        for (; i < n; i++) sum += Unsafe.Add(ref xr, i) * Unsafe.Add(ref yr, i);
        return sum;
    }

    /// <summary>
    /// dst (+)= src where mask > 0, and (+)= 0 elsewhere: the gradient through a ReLU whose input (or output) is
    /// the mask, as ReluBackward computes it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaskedCopyOrAdd<T>(ReadOnlySpan<T> src, ReadOnlySpan<T> mask, Span<T> dst, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T sr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
        ref T mr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(mask);
        ref T dr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        int i = 0, count = dst.Length;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= count - Vector<T>.Count; i += Vector<T>.Count)
            {
                nuint at = (nuint)i;
                var pass = Vector.GreaterThan(Vector.LoadUnsafe(ref mr, at), Vector<T>.Zero);
                var g = Vector.ConditionalSelect(pass, Vector.LoadUnsafe(ref sr, at), Vector<T>.Zero);
                if (accumulate) g += Vector.LoadUnsafe(ref dr, at);
                Vector.StoreUnsafe(g, ref dr, at);
            }
        }
        for (; i < count; i++)
        {
            T g = mask[i] > T.Zero ? src[i] : T.Zero;
            dst[i] = accumulate ? dst[i] + g : g;
        }
    }

    /// <summary>dst = src, or dst += src when accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CopyOrAdd<T>(ReadOnlySpan<T> src, Span<T> dst, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
        else src.CopyTo(dst);
    }
}
