using Parsec.Autodiff;

namespace Parsec.Search.Model.Layers;

/// <summary>How a new weight is filled.</summary>
public enum Initialization
{
    /// <summary>PyTorch's default for convolution and linear weights: uniform in +-1/sqrt(fan_in).</summary>
    FanInUniform,
    Zeros,
    Ones,
}

/// <summary>
/// The named tensors of a network, in creation order: trainable weights (with persistent gradient buffers)
/// and buffers (batch-norm running statistics, not trained). Names follow the module structure with dots,
/// e.g. "cells.3.node1.input0.sep_conv_3x3.op.1.weight" (see <see cref="Network"/> for the scheme); they are
/// the keys of checkpoints and weight files, so they must stay stable.
/// </summary>
public sealed class ParameterStore : IDisposable
{
    private readonly List<Tensor> _weights = [];
    private readonly List<Tensor> _buffers = [];
    private readonly Dictionary<string, Tensor> _byName = new(StringComparer.Ordinal);
    private readonly Rng _initRng;

    public ParameterStore(IBackend backend, DType dtype, Rng initRng)
    {
        Backend = backend;
        DType = dtype;
        _initRng = initRng;
    }

    public IBackend Backend { get; }
    public DType DType { get; }
    public IReadOnlyList<Tensor> Weights => _weights;
    public IReadOnlyList<Tensor> Buffers => _buffers;
    public IEnumerable<Tensor> All => _weights.Concat(_buffers);

    public long WeightElementCount => _weights.Sum(w => w.Length);
    public long WeightBytes => _weights.Sum(w => w.Storage.Bytes);
    public long BufferBytes => _buffers.Sum(b => b.Storage.Bytes);

    public Tensor this[string name] =>
        _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"the network has no parameter or buffer named '{name}'");

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <param name="fanIn">Inputs per output for <see cref="Initialization.FanInUniform"/> of a bias; weights use their own shape's fan-in.</param>
    internal Tensor AddWeight(string name, int[] shape, Initialization init, int? fanIn = null)
    {
        var t = Parameters.Create(Backend, name, shape, DType);
        Register(t);
        _weights.Add(t);
        Fill(t, init, fanIn);
        return t;
    }

    internal Tensor AddBuffer(string name, int[] shape, double value)
    {
        var t = Tensor.Zeros(Backend, shape, DType, BufferCategory.Weights, name);
        if (value != 0) Backend.Fill(t.Storage, value);
        Register(t);
        _buffers.Add(t);
        return t;
    }

    public void Dispose()
    {
        foreach (var t in _weights)
        {
            t.Grad?.Dispose();
            t.Dispose();
        }
        foreach (var t in _buffers) t.Dispose();
        _weights.Clear();
        _buffers.Clear();
        _byName.Clear();
    }

    private void Register(Tensor t)
    {
        if (!_byName.TryAdd(t.Name!, t)) throw new InvalidOperationException($"parameter name '{t.Name}' is used twice");
    }

    private void Fill(Tensor t, Initialization init, int? fanIn)
    {
        switch (init)
        {
            case Initialization.Zeros: Initializers.Constant(t, 0); break;
            case Initialization.Ones: Initializers.Constant(t, 1); break;
            case Initialization.FanInUniform when fanIn is { } explicitFanIn: Initializers.DefaultBias(t, explicitFanIn, _initRng); break;
            case Initialization.FanInUniform: Initializers.DefaultWeight(t, _initRng); break;
            default: throw new ArgumentOutOfRangeException(nameof(init), init, "unknown initialization");
        }
    }
}

/// <summary>A prefix in the parameter namespace: modules create their tensors through it so that names follow the structure.</summary>
public readonly record struct ModuleScope(ParameterStore Store, string Prefix)
{
    public ModuleScope Child(string name) => new(Store, Prefix.Length == 0 ? name : $"{Prefix}.{name}");

    public Tensor Weight(string name, int[] shape, Initialization init, int? fanIn = null) => Store.AddWeight(Child(name).Prefix, shape, init, fanIn);

    public Tensor Buffer(string name, int[] shape, double value) => Store.AddBuffer(Child(name).Prefix, shape, value);

    public DType DType => Store.DType;
}
