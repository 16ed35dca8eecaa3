namespace Parsec.Autodiff;

public enum BackendKind
{
    Cpu,
    Cuda,
    /// <summary>Shapes and byte counts only, no data: used to plan memory and to report footprints without computing.</summary>
    Meta,
}

/// <summary>
/// The contract every backend implements: memory, copies, and the op set a DARTS-space network needs,
/// forward and backward. Each op takes one argument record (Core/OpArgs) holding flat storages plus explicit
/// geometry, so that a backend never needs to know about tensors, the tape or gradients. A record checks its
/// lengths and element types when it is created; backends trust it and check only what is theirs (that a
/// storage is one of their own and alive, and element types they do not support).
///
/// Conventions:
/// <list type="bullet">
/// <item>All float storages passed to one call have the same element type (Float32, or Float64 on the CPU).</item>
/// <item><c>accumulate</c>: when true the result is added to the destination (dst += result), otherwise it overwrites it.
///   The tape uses this to sum gradient contributions without zero-filling.</item>
/// <item>Layout is NCHW, row-major, contiguous.</item>
/// </list>
/// </summary>
public interface IBackend : IDisposable
{
    string Name { get; }
    /// <summary>The arithmetic in force for Float32 convolutions and matrix products (TF32 only on a GPU that has it, when allowed).</summary>
    Precision Precision { get; }
    BackendKind Kind { get; }

    /// <summary>
    /// Whether several threads may run ops on this backend at once, each with its own <see cref="Tape"/> whose
    /// <see cref="Tape.Deferred"/> is set (the search's sample workers). Allocation and the op set must then be
    /// safe to call concurrently.
    /// </summary>
    bool SupportsConcurrentTapes { get; }

    /// <summary>Bytes currently held per category, the peak of the sum, and allocation counts.</summary>
    MemoryStats Memory { get; }

    Storage Allocate(long length, DType dtype, BufferCategory category);

    /// <summary>End of a training step: every non-persistent storage must already be disposed; resets per-step accounting.</summary>
    void ResetStep();

    void CopyIn(Storage dst, ReadOnlySpan<float> src);
    void CopyIn(Storage dst, ReadOnlySpan<double> src);
    void CopyIn(Storage dst, ReadOnlySpan<int> src);
    void CopyOut(Storage src, Span<float> dst);
    void CopyOut(Storage src, Span<double> dst);
    void CopyOut(Storage src, Span<int> dst);
    /// <summary>
    /// Copies every Float32 storage of <paramref name="sources"/>, in order and end to end, into <paramref name="dst"/>, whose
    /// length must be their total. One call reads back many small buffers (a sample's gradients): a backend with a
    /// device may queue them all and wait once.
    /// </summary>
    void CopyOutAll(IReadOnlyList<Storage> sources, Span<float> dst)
    {
        StorageChecks.TotalLength(nameof(CopyOutAll), sources, dst.Length);
        int offset = 0;
        foreach (var source in sources)
        {
            CopyOut(source, dst.Slice(offset, (int)source.Length));
            offset += (int)source.Length;
        }
    }
    /// <summary>dst = src (same length and type).</summary>
    void Copy(Storage src, Storage dst);
    /// <summary>Waits until all queued work is done (a no-op on the CPU).</summary>
    void Synchronize();

    // ---- element-wise -------------------------------------------------------------------------
    void Fill(Storage y, double value);
    /// <summary>Relu, its backward, Add, Scale, ScaleRows: see <see cref="ElementwiseArgs"/>.</summary>
    void Elementwise(ElementwiseArgs args);

    // ---- layout -------------------------------------------------------------------------------
    void CopyChannels(CopyChannelsArgs args);
    void SliceSpatial(SliceSpatialArgs args);
    void SliceSpatialBackward(SliceSpatialBackwardArgs args);

    // ---- convolution --------------------------------------------------------------------------
    void Conv2dForward(Conv2dForwardArgs args);
    void Conv2dBackwardData(Conv2dBackwardDataArgs args);
    void Conv2dBackwardFilter(Conv2dBackwardFilterArgs args);

    // ---- pooling ------------------------------------------------------------------------------
    void Pool2dForward(Pool2dForwardArgs args);
    void Pool2dBackward(Pool2dBackwardArgs args);
    void GlobalAvgPool(GlobalAvgPoolArgs args);
    void GlobalAvgPoolBackward(GlobalAvgPoolBackwardArgs args);

    // ---- batch norm (per channel over N, H, W) ------------------------------------------------
    void BatchNormTraining(BatchNormTrainingArgs args);
    void BatchNormInference(BatchNormInferenceArgs args);
    void BatchNormBackward(BatchNormBackwardArgs args);

    // ---- dense --------------------------------------------------------------------------------
    void Gemm(GemmArgs args);
    void AddBias(AddBiasArgs args);
    void BiasBackward(BiasBackwardArgs args);

    // ---- loss ---------------------------------------------------------------------------------
    /// <summary>A label outside [0, classes) is an error (the backend reads the labels to find out).</summary>
    void SoftmaxCrossEntropy(SoftmaxCrossEntropyArgs args);
    void SoftmaxCrossEntropyBackward(SoftmaxCrossEntropyBackwardArgs args);

    // ---- reductions and optimizers ------------------------------------------------------------
    /// <summary>Sum of squares of all elements, computed in double.</summary>
    double SumOfSquares(Storage x);
    /// <summary>sum_i a[i] * b[i] over two buffers of one length and type, computed in double (the gradient of a mixed op's weight).</summary>
    double Dot(DotArgs args);
    /// <summary>True when every element is finite.</summary>
    bool AllFinite(Storage x);
    /// <summary>The weighted sum of several buffers in a fixed order (see <see cref="WeightedSumArgs"/>): the search combines its samples' gradients and batch statistics with it.</summary>
    void WeightedSum(WeightedSumArgs args);
    void SgdUpdate(SgdUpdateArgs args);
    void AdamUpdate(AdamUpdateArgs args);

    // ---- multi-tensor: a weight bank in a few launches ---------------------------------------
    // The defaults are the reference semantics, one storage at a time in list order: what the CPU and the
    // shape-only backends do. The CUDA backend packs many storages into each launch.
    void FillMany(FillManyArgs args)
    {
        foreach (var s in args.Targets.Storages) Fill(s, args.Value);
    }

    void ScaleMany(ScaleManyArgs args)
    {
        foreach (var s in args.Targets.Storages) Elementwise(new ScaleArgs(s, args.Factor, s, accumulate: false));
    }

    /// <summary>The per-storage sums of squares added in list order, in double.</summary>
    double SumOfSquaresMany(SumOfSquaresManyArgs args)
    {
        double total = 0;
        foreach (var s in args.Sources.Storages) total += SumOfSquares(s);
        return total;
    }

    bool AllFiniteMany(AllFiniteManyArgs args) => args.Sources.Storages.All(AllFinite);

    void SgdUpdateMany(SgdUpdateManyArgs args)
    {
        foreach (var p in args.Parameters) SgdUpdate(p);
    }
}
