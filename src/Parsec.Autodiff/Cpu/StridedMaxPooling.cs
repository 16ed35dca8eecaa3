using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Max pooling with stride s above 1 (the reduction cells' max_pool_3x3). Each plane is copied once into s column
/// phases of its -inf bordered version (phase p, row r holds bordered columns p, p + s, p + 2s, ... of row r), so
/// that tap (ki, kj) of consecutive outputs is contiguous: phase kj % s, row i * s + ki, from column j + kj / s.
/// Every step is then a SIMD operation across a row of outputs, with no branches on the data. Forward reduces
/// each row over the window's columns once (consecutive windows share rows), then each output row over its
/// window's rows. Backward gives each upstream gradient to the first window element, in row-major order, equal
/// to the forward maximum y, which is where PyTorch's strict "larger than" scan ends; where y is NaN or -inf,
/// equality does not identify PyTorch's choice and the scan itself runs. Planes are small, so a task takes a
/// whole sample and the loops avoid per-row calls.
/// </summary>
internal static class StridedMaxPooling
{
    private readonly record struct Layout(Pool2dGeometry G, int Rows, int PhaseLength)
    {
        public static Layout Of(Pool2dGeometry g) =>
            new(g, g.Input.H + 2 * g.Padding, (g.Input.W + 2 * g.Padding + g.Stride - 1) / g.Stride);

        public int Length => G.Stride * Rows * PhaseLength;

        /// <summary>Start of row r of phase p.</summary>
        public int Row(int p, int r) => (p * Rows + r) * PhaseLength;

        /// <summary>Start of tap (ki, kj) of output row i's first output.</summary>
        public int Tap(int i, int ki, int kj) => Row(kj % G.Stride, i * G.Stride + ki) + kj / G.Stride;
    }

    public static void Forward<T>(Pool2dGeometry g, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layout = Layout.Of(g);
        int rows = (g.OutH - 1) * g.Stride + g.Kernel; // the bordered rows the windows reach
        CpuParallel.For(g.Input.N, (long)g.Input.C * g.OutH * g.OutW * g.Kernel * 2, n =>
        {
            var scratch = ArrayPool<T>.Shared.Rent(layout.Length + rows * g.OutW);
            try
            {
                for (int c = 0; c < g.Input.C; c++)
                    ForwardPlane(g, layout, x, y, n * g.Input.C + c, scratch.AsSpan(0, layout.Length), scratch.AsSpan(layout.Length, rows * g.OutW));
            }
            finally
            {
                ArrayPool<T>.Shared.Return(scratch);
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPlane<T>(Pool2dGeometry g, Layout layout, T[] x, T[] y, int plane, Span<T> phases, Span<T> across)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Kernel, s = g.Stride, oh = g.OutH, ow = g.OutW, rows = across.Length / ow;
        Split(x.AsSpan(plane * g.Input.H * g.Input.W, g.Input.H * g.Input.W), layout, phases);
        ref T ph = ref MemoryMarshal.GetReference(phases);
        ref T ac = ref MemoryMarshal.GetReference(across);
        for (int r = 0; r < rows; r++)
        {
            ref T acc = ref Unsafe.Add(ref ac, r * ow);
            Copy(ref Unsafe.Add(ref ph, layout.Row(0, r)), ref acc, ow);
            for (int kj = 1; kj < k; kj++) MaxInto(ref Unsafe.Add(ref ph, layout.Row(kj % s, r) + kj / s), ref acc, ow);
        }
        ref T yr = ref MemoryMarshal.GetArrayDataReference(y);
        for (int i = 0; i < oh; i++)
        {
            ref T yRow = ref Unsafe.Add(ref yr, (plane * oh + i) * ow);
            Copy(ref Unsafe.Add(ref ac, i * s * ow), ref yRow, ow);
            for (int ki = 1; ki < k; ki++) MaxInto(ref Unsafe.Add(ref ac, (i * s + ki) * ow), ref yRow, ow);
        }
    }

    public static void Backward<T>(Pool2dGeometry g, T[] x, T[] y, T[] dy, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layout = Layout.Of(g);
        CpuParallel.For(g.Input.N, (long)g.Input.C * g.OutH * g.OutW * g.Kernel * g.Kernel, n =>
        {
            var scratch = ArrayPool<T>.Shared.Rent(2 * layout.Length);
            try
            {
                for (int c = 0; c < g.Input.C; c++)
                    BackwardPlane(g, layout, x, y, dy, dx, accumulate, n * g.Input.C + c, scratch.AsSpan(0, layout.Length), scratch.AsSpan(layout.Length, layout.Length));
            }
            finally
            {
                ArrayPool<T>.Shared.Return(scratch);
            }
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardPlane<T>(Pool2dGeometry g, Layout layout, T[] x, T[] y, T[] dy, T[] dx, bool accumulate, int plane,
        Span<T> xPhases, Span<T> dPhases) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Kernel, oh = g.OutH, ow = g.OutW, vl = Vector<T>.Count, planeLength = g.Input.H * g.Input.W;
        Split(x.AsSpan(plane * planeLength, planeLength), layout, xPhases);
        dPhases.Clear();
        ref T xr = ref MemoryMarshal.GetReference(xPhases);
        ref T dr = ref MemoryMarshal.GetReference(dPhases);
        var negativeInfinity = new Vector<T>(T.NegativeInfinity);
        // Tap offsets of output row 0; row i adds i * s rows (the divisions stay out of the loops).
        Span<int> taps = stackalloc int[k * k];
        for (int t = 0; t < k * k; t++) taps[t] = layout.Tap(0, t / k, t % k);
        int rowStep = g.Stride * layout.PhaseLength;
        for (int i = 0; i < oh; i++)
        {
            var yRow = y.AsSpan((plane * oh + i) * ow, ow);
            var dyRow = dy.AsSpan((plane * oh + i) * ow, ow);
            int j0 = 0;
            for (; j0 <= ow - vl; j0 += vl)
            {
                var yv = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(yRow), (nuint)j0);
                var gv = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(dyRow), (nuint)j0);
                var special = ~Vector.Equals(yv, yv) | Vector.Equals(yv, negativeInfinity);
                var done = special;
                for (int t = 0; t < taps.Length; t++)
                    {
                        nuint at = (nuint)(taps[t] + i * rowStep + j0);
                        var hit = Vector.AndNot(Vector.Equals(Vector.LoadUnsafe(ref xr, at), yv), done);
                        done |= hit;
                        Vector.StoreUnsafe(Vector.LoadUnsafe(ref dr, at) + Vector.ConditionalSelect(hit, gv, Vector<T>.Zero), ref dr, at);
                    }
                if (!Vector.EqualsAll(special, Vector<T>.Zero))
                    for (int lane = 0; lane < vl; lane++)
                        if (T.IsNaN(yRow[j0 + lane]) || T.IsNegativeInfinity(yRow[j0 + lane])) Scan(layout, i, j0 + lane, dyRow[j0 + lane], xPhases, dPhases);
            }
            for (int j = j0; j < ow; j++) Scan(layout, i, j, dyRow[j], xPhases, dPhases);
        }
        Merge(dPhases, layout, dx.AsSpan(plane * planeLength, planeLength), accumulate);
    }

    /// <summary>
    /// PyTorch's rule for one output: start at the first in-bounds element and move to any strictly larger (or
    /// NaN) value in row-major window order. Border cells hold -inf and never win.
    /// </summary>
    private static void Scan<T>(Layout layout, int i, int j, T gradient, ReadOnlySpan<T> xPhases, Span<T> dPhases) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = layout.G;
        int firstRow = Math.Max(i * g.Stride - g.Padding, 0) + g.Padding - i * g.Stride, firstColumn = Math.Max(j * g.Stride - g.Padding, 0) + g.Padding - j * g.Stride;
        int best = layout.Tap(i, firstRow, firstColumn) + j;
        T bestValue = T.NegativeInfinity;
        for (int ki = 0; ki < g.Kernel; ki++)
            for (int kj = 0; kj < g.Kernel; kj++)
            {
                int at = layout.Tap(i, ki, kj) + j;
                T v = xPhases[at];
                if (v > bestValue || T.IsNaN(v))
                {
                    best = at;
                    bestValue = v;
                }
            }
        dPhases[best] += gradient;
    }

    /// <summary>phases[Row(p, r) + t] = the bordered plane at row r, column t * s + p: x inside, -inf on the border and past the row's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split<T>(ReadOnlySpan<T> x, Layout layout, Span<T> phases) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = layout.G.Input.H, w = layout.G.Input.W, pad = layout.G.Padding, s = layout.G.Stride;
        ref T src = ref MemoryMarshal.GetReference(x);
        ref T dst = ref MemoryMarshal.GetReference(phases);
        for (int p = 0; p < s; p++)
        {
            // Places t of this phase whose column t * s + p - pad lies in [0, w): [first, end).
            int first = (pad - p + s - 1) / s, end = Math.Min(layout.PhaseLength, (w + pad - p + s - 1) / s);
            for (int r = 0; r < layout.Rows; r++)
            {
                ref T row = ref Unsafe.Add(ref dst, layout.Row(p, r));
                if (r < pad || r >= pad + h)
                {
                    for (int t = 0; t < layout.PhaseLength; t++) Unsafe.Add(ref row, t) = T.NegativeInfinity;
                    continue;
                }
                ref T xRow = ref Unsafe.Add(ref src, (r - pad) * w + p - pad);
                for (int t = 0; t < first; t++) Unsafe.Add(ref row, t) = T.NegativeInfinity;
                for (int t = first; t < end; t++) Unsafe.Add(ref row, t) = Unsafe.Add(ref xRow, t * s);
                for (int t = end; t < layout.PhaseLength; t++) Unsafe.Add(ref row, t) = T.NegativeInfinity;
            }
        }
    }

    /// <summary>dx (+)= the inside of the bordered gradient held in phases, the adjoint of <see cref="Split"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Merge<T>(ReadOnlySpan<T> phases, Layout layout, Span<T> dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = layout.G.Input.H, w = layout.G.Input.W, pad = layout.G.Padding, s = layout.G.Stride;
        ref T src = ref MemoryMarshal.GetReference(phases);
        ref T dst = ref MemoryMarshal.GetReference(dx);
        for (int p = 0; p < s; p++)
        {
            // Places t of this phase whose column c = t * s + p - pad lies in [0, w): [first, end).
            int first = (pad - p + s - 1) / s, end = (w + pad - p + s - 1) / s;
            for (int r = 0; r < h; r++)
            {
                ref T row = ref Unsafe.Add(ref src, layout.Row(p, r + pad));
                ref T dxRow = ref Unsafe.Add(ref dst, r * w + p - pad);
                if (accumulate)
                    for (int t = first; t < end; t++) Unsafe.Add(ref dxRow, t * s) += Unsafe.Add(ref row, t);
                else
                    for (int t = first; t < end; t++) Unsafe.Add(ref dxRow, t * s) = Unsafe.Add(ref row, t);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(ref T src, ref T dst, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0, vl = Vector<T>.Count;
        for (; j <= n - vl; j += vl) Vector.StoreUnsafe(Vector.LoadUnsafe(ref src, (nuint)j), ref dst, (nuint)j);
        for (; j < n; j++) Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, j);
    }

    /// <summary>acc = max(acc, row) over n values, NaN kept (Vector.Max and T.Max both propagate it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxInto<T>(ref T row, ref T acc, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0, vl = Vector<T>.Count;
        for (; j <= n - vl; j += vl)
            Vector.StoreUnsafe(Vector.Max(Vector.LoadUnsafe(ref acc, (nuint)j), Vector.LoadUnsafe(ref row, (nuint)j)), ref acc, (nuint)j);
        for (; j < n; j++) Unsafe.Add(ref acc, j) = T.Max(Unsafe.Add(ref acc, j), Unsafe.Add(ref row, j));
    }
}
