using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Host <-> device copies. Copies are queued on the backend's stream (so they are ordered with the kernels) and
// waited for before returning, because the managed span is only pinned for the duration of the call.
public sealed partial class CudaBackend
{
    public void CopyIn(Storage dst, ReadOnlySpan<float> src) => CopyIn(dst, src, DType.Float32);
    public void CopyIn(Storage dst, ReadOnlySpan<int> src) => CopyIn(dst, src, DType.Int32);
    public void CopyIn(Storage dst, ReadOnlySpan<double> src)
    {
        // Float64 storages do not exist here; narrowing on the host is the only meaning double data can have.
        var tmp = new float[src.Length];
        for (int i = 0; i < tmp.Length; i++) tmp[i] = (float)src[i];
        CopyIn(dst, tmp, DType.Float32);
    }

    public void CopyOut(Storage src, Span<float> dst) => CopyOut(src, dst, DType.Float32);
    public void CopyOut(Storage src, Span<int> dst) => CopyOut(src, dst, DType.Int32);
    public void CopyOut(Storage src, Span<double> dst)
    {
        // Widening on the host lets Tensor.ToDoubleArray work on CUDA tensors.
        var c = Cuda(src, nameof(CopyOut), "src");
        if (c.DType != DType.Float32) throw new ArgumentException($"CopyOut to double needs a Float32 storage, got {c.DType}");
        var tmp = new float[dst.Length];
        CopyOut(src, tmp, DType.Float32);
        for (int i = 0; i < tmp.Length; i++) dst[i] = tmp[i];
    }

    /// <summary>
    /// Queues every source's copy into one page-locked staging buffer and waits once, then fills <paramref name="dst"/> from
    /// it. Copies into pageable memory each go through the driver's own bounce buffer and return only when done, so a
    /// sample's hundred-odd gradients read back one by one would wait a hundred times; from pinned memory the copy
    /// engine writes directly and the waits collapse into one. The buffer grows to the largest call and is kept.
    /// </summary>
    public unsafe void CopyOutAll(IReadOnlyList<Storage> sources, Span<float> dst)
    {
        long total = StorageChecks.TotalLength(nameof(CopyOutAll), sources, dst.Length);
        if (total == 0) return;
        long bytes = total * sizeof(float);
        if (_staging is null || _staging.Bytes < bytes)
        {
            _staging?.Dispose();
            _staging = null; // a failed allocation must not leave a disposed buffer behind
            _staging = new PinnedHostBuffer(_device, bytes);
        }
        _device.MakeCurrent();
        byte* host = (byte*)_staging.Pointer;
        long offset = 0;
        foreach (var source in sources)
        {
            var c = Cuda(source, nameof(CopyOutAll), "sources");
            if (c.Length == 0) continue;
            Check.Cuda(Driver.cuMemcpyDtoHAsync_v2(host + offset, c.Pointer, (nuint)c.Bytes, _stream.Handle));
            offset += c.Bytes;
        }
        _stream.Synchronize();
        _staging.AsSpan<float>()[..dst.Length].CopyTo(dst);
    }

    private unsafe void CopyIn<T>(Storage dst, ReadOnlySpan<T> src, DType dtype) where T : unmanaged
    {
        var c = Cuda(dst, nameof(CopyIn), "dst");
        StorageChecks.Transfer(nameof(CopyIn), c, src.Length, dtype);
        if (src.Length == 0) return;
        _device.MakeCurrent();
        fixed (T* p = src)
        {
            Check.Cuda(Driver.cuMemcpyHtoDAsync_v2(c.Pointer, p, (nuint)(src.Length * sizeof(T)), _stream.Handle));
            _stream.Synchronize();
        }
    }

    private unsafe void CopyOut<T>(Storage src, Span<T> dst, DType dtype) where T : unmanaged
    {
        var c = Cuda(src, nameof(CopyOut), "src");
        StorageChecks.Transfer(nameof(CopyOut), c, dst.Length, dtype);
        if (dst.Length == 0) return;
        _device.MakeCurrent();
        fixed (T* p = dst)
        {
            Check.Cuda(Driver.cuMemcpyDtoHAsync_v2(p, c.Pointer, (nuint)(dst.Length * sizeof(T)), _stream.Handle));
            _stream.Synchronize();
        }
    }

    public void Copy(Storage src, Storage dst)
    {
        var s = Cuda(src, nameof(Copy), "src");
        var d = Cuda(dst, nameof(Copy), "dst");
        StorageChecks.SameTypeAndLength(nameof(Copy), s, d);
        if (s.Length == 0) return;
        _device.MakeCurrent();
        Check.Cuda(Driver.cuMemcpyDtoDAsync_v2(d.Pointer, s.Pointer, (nuint)s.Bytes, _stream.Handle));
    }

    public void Fill(Storage y, double value)
    {
        var c = Cuda(y, nameof(Fill), "y");
        uint bits = c.DType switch
        {
            DType.Float32 => BitConverter.SingleToUInt32Bits((float)value),
            DType.Int32 => unchecked((uint)StorageChecks.Int32Fill(value)),
            _ => throw new NotSupportedException($"Fill of {c.DType} on the CUDA backend"),
        };
        FillWords(c.Pointer, c.Length, bits);
    }

    /// <summary>Sets <paramref name="count"/> 32-bit words to <paramref name="bits"/> (cuMemsetD32: no kernel needed).</summary>
    private void FillWords(ulong pointer, long count, uint bits)
    {
        if (count == 0) return;
        _device.MakeCurrent();
        Check.Cuda(Driver.cuMemsetD32Async(pointer, bits, (nuint)count, _stream.Handle));
    }
}
