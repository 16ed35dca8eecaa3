namespace Parsec.Autodiff;

/// <summary>
/// Common machinery of the optimizers: the parameter list (each with a persistent gradient from
/// <see cref="Parameters.Create"/> and a unique name), per-parameter state buffers in
/// <see cref="BufferCategory.OptimizerState"/> created at first use, and state export/import for checkpoints.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<string, Tensor>[] _state;  // per parameter: slot name -> a tensor of the parameter's shape
    private readonly string[] _slots;

    protected Optimizer(IReadOnlyList<Tensor> parameters, string algorithm, params string[] slots)
    {
        var names = new HashSet<string>();
        foreach (var p in parameters)
        {
            if (p.Name is null) throw new ArgumentException($"optimizer: parameter {p} has no name; state is saved by name");
            if (!names.Add(p.Name)) throw new ArgumentException($"optimizer: two parameters are named '{p.Name}'");
            if (p.Grad is null || !p.Grad.Storage.Category.IsPersistent())
                throw new ArgumentException($"optimizer: '{p.Name}' has no persistent gradient buffer (create it with Parameters.Create)");
            if (p.DType == DType.Int32) throw new ArgumentException($"optimizer: '{p.Name}' is Int32");
        }
        Parameters = parameters;
        Algorithm = algorithm;
        _slots = slots;
        _state = new Dictionary<string, Tensor>[parameters.Count];
        for (int i = 0; i < _state.Length; i++) _state[i] = [];
    }

    public IReadOnlyList<Tensor> Parameters { get; }
    public string Algorithm { get; }

    /// <summary>Number of completed <see cref="Step"/> calls (restored by <see cref="ImportState"/>).</summary>
    public int StepCount { get; protected set; }

    public void ZeroGrad()
    {
        Autodiff.Parameters.ZeroGrads(Parameters);
    }

    /// <summary>Updates every parameter from its accumulated gradient.</summary>
    public abstract void Step(double learningRate);

    /// <summary>The state buffer of a parameter, created as zeros at first use.</summary>
    protected Tensor State(int parameterIndex, string slot)
    {
        var slots = _state[parameterIndex];
        if (slots.TryGetValue(slot, out var t)) return t;
        var p = Parameters[parameterIndex];
        t = Tensor.Zeros(p.Backend, p.Shape, p.DType, BufferCategory.OptimizerState, $"{p.Name}.{slot}");
        slots[slot] = t;
        return t;
    }

    public OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, double[]>();
        for (int i = 0; i < Parameters.Count; i++)
            foreach (var (slot, t) in _state[i])
                buffers[OptimizerState.Key(Parameters[i].Name!, slot)] = t.ToDoubleArray();
        return new OptimizerState { Algorithm = Algorithm, Step = StepCount, Buffers = buffers };
    }

    /// <summary>
    /// Replaces all state with a saved one: buffers it lists are copied in, buffers it lacks are dropped
    /// (so the parameter starts fresh, as it had when saved). Every key must name a parameter and slot of
    /// this optimizer with the right length.
    /// </summary>
    public void ImportState(OptimizerState state)
    {
        if (state.Algorithm != Algorithm)
            throw new ArgumentException($"optimizer state was saved by '{state.Algorithm}', this optimizer is '{Algorithm}'");
        if (state.Step < 0) throw new ArgumentException($"optimizer state has a negative step count {state.Step}");
        var byKey = new Dictionary<string, (int Index, string Slot)>();
        for (int i = 0; i < Parameters.Count; i++)
            foreach (var slot in _slots)
                byKey[OptimizerState.Key(Parameters[i].Name!, slot)] = (i, slot);
        foreach (var (key, values) in state.Buffers)
        {
            if (!byKey.TryGetValue(key, out var target))
                throw new ArgumentException($"optimizer state has '{key}', which names no parameter and slot of this optimizer");
            long expected = Parameters[target.Index].Length;
            if (values.Length != expected)
                throw new ArgumentException($"optimizer state '{key}' has {values.Length} values, the parameter has {expected}");
        }
        for (int i = 0; i < Parameters.Count; i++)
            foreach (var slot in _slots)
            {
                if (state.Buffers.TryGetValue(OptimizerState.Key(Parameters[i].Name!, slot), out var values))
                    CopyIn(State(i, slot), values);
                else if (_state[i].Remove(slot, out var stale))
                    stale.Dispose();
            }
        StepCount = state.Step;
    }

    private static void CopyIn(Tensor t, double[] values)
    {
        if (t.DType == DType.Float64) t.Backend.CopyIn(t.Storage, values);
        else t.Backend.CopyIn(t.Storage, Array.ConvertAll(values, v => (float)v));
    }

    public void Dispose()
    {
        foreach (var slots in _state)
        {
            foreach (var t in slots.Values) t.Dispose();
            slots.Clear();
        }
        GC.SuppressFinalize(this);
    }
}
