namespace Parsec.Autodiff;

/// <summary>
/// An n-dimensional array on a backend: a shape, an element type and a contiguous storage it owns.
/// Tensors made by tape ops belong to the tape and are disposed by <see cref="Tape.Reset"/>;
/// tensors made here (parameters, inputs) belong to their creator.
/// </summary>
public sealed class Tensor : IDisposable
{
    private static int s_nextId;

    public Tensor(Storage storage, int[] shape, string? name = null)
    {
        long length = ShapeLength(shape);
        if (length != storage.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) has {length} elements but the storage holds {storage.Length}");
        Storage = storage;
        Shape = shape;
        Name = name;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>Process-unique identity, stable for the tensor's life (used by the tape's lifetime plan).</summary>
    public int Id { get; }
    public int[] Shape { get; }
    public Storage Storage { get; }
    public string? Name { get; set; }
    public IBackend Backend => Storage.Backend;
    public DType DType => Storage.DType;
    public long Length => Storage.Length;
    public int Rank => Shape.Length;
    public Shape4 Shape4 => Shape4.From(Shape);

    /// <summary>True for parameters and for tape outputs that depend on a parameter.</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>The gradient of the last backward pass; for parameters a persistent buffer that backward accumulates into.</summary>
    public Tensor? Grad { get; internal set; }  // this tensor's shape

    public static long ShapeLength(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape ({string.Join(", ", shape)}) has a negative dimension");
            n *= d;
        }
        return n;
    }

    public static Tensor Empty(IBackend backend, int[] shape, DType dtype, BufferCategory category, string? name = null) =>
        new(backend.Allocate(ShapeLength(shape), dtype, category), shape, name);

    public static Tensor Zeros(IBackend backend, int[] shape, DType dtype, BufferCategory category, string? name = null)
    {
        var t = Empty(backend, shape, dtype, category, name);
        backend.Fill(t.Storage, 0);
        return t;
    }

    public static Tensor FromArray(IBackend backend, float[] data, int[] shape, DType dtype = DType.Float32,
        BufferCategory category = BufferCategory.Inputs, string? name = null)
    {
        var t = Empty(backend, shape, dtype, category, name);
        if (dtype == DType.Float64) backend.CopyIn(t.Storage, Array.ConvertAll(data, v => (double)v));
        else backend.CopyIn(t.Storage, data);
        return t;
    }

    public static Tensor FromArray(IBackend backend, double[] data, int[] shape, DType dtype = DType.Float64,
        BufferCategory category = BufferCategory.Inputs, string? name = null)
    {
        var t = Empty(backend, shape, dtype, category, name);
        if (dtype == DType.Float32) backend.CopyIn(t.Storage, Array.ConvertAll(data, v => (float)v));
        else backend.CopyIn(t.Storage, data);
        return t;
    }

    public static Tensor FromLabels(IBackend backend, int[] labels, BufferCategory category = BufferCategory.Inputs)
    {
        var t = Empty(backend, [labels.Length], DType.Int32, category, "labels");
        backend.CopyIn(t.Storage, labels);
        return t;
    }

    public float[] ToFloatArray()
    {
        var result = new float[Length];
        if (DType == DType.Float64)
        {
            var d = new double[Length];
            Backend.CopyOut(Storage, d);
            for (int i = 0; i < d.Length; i++) result[i] = (float)d[i];
        }
        else Backend.CopyOut(Storage, result);
        return result;
    }

    public double[] ToDoubleArray()
    {
        var result = new double[Length];
        if (DType == DType.Float32)
        {
            var f = new float[Length];
            Backend.CopyOut(Storage, f);
            for (int i = 0; i < f.Length; i++) result[i] = f[i];
        }
        else Backend.CopyOut(Storage, result);
        return result;
    }

    public int[] ToIntArray()
    {
        var result = new int[Length];
        Backend.CopyOut(Storage, result);
        return result;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public double Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Item() needs a one-element tensor, this one has shape ({string.Join(", ", Shape)})");
        return ToDoubleArray()[0];
    }

    public void Dispose() => Storage.Dispose();

    public override string ToString() => $"{Name ?? "tensor"}#{Id} ({string.Join(", ", Shape)}) {DType} on {Backend.Name}";
}
