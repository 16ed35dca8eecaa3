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
/// forward and backward. Everything is expressed on flat storages plus explicit geometry so that a
/// backend never needs to know about tensors, the tape or gradients.
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
    BackendKind Kind { get; }

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
    /// <summary>dst = src (same length and type).</summary>
    void Copy(Storage src, Storage dst);
    /// <summary>Waits until all queued work is done (a no-op on the CPU).</summary>
    void Synchronize();

    // ---- element-wise -------------------------------------------------------------------------
    void Fill(Storage y, double value);
    /// <summary>y = max(x, 0).</summary>
    void Relu(Storage x, Storage y);
    /// <summary>dx (+)= dy * (y > 0), using the forward output y.</summary>
    void ReluBackward(Storage y, Storage dy, Storage dx, bool accumulate);
    /// <summary>y = a + b.</summary>
    void Add(Storage a, Storage b, Storage y);
    /// <summary>y (+)= alpha * x.</summary>
    void Scale(Storage x, double alpha, Storage y, bool accumulate);
    /// <summary>y[n, ...] (+)= x[n, ...] * rowScale[n] for rows of <paramref name="rowLength"/> elements (drop path).</summary>
    void ScaleRows(Storage x, Storage rowScale, int rowLength, Storage y, bool accumulate);

    // ---- layout -------------------------------------------------------------------------------
    /// <summary>dst[:, dstOffset:dstOffset+count] (+)= src[:, srcOffset:srcOffset+count] on channels; H and W equal.</summary>
    void CopyChannels(Storage src, Shape4 srcShape, int srcOffset, Storage dst, Shape4 dstShape, int dstOffset, int count, bool accumulate);
    /// <summary>y = x[:, :, offH:offH+y.H, offW:offW+y.W].</summary>
    void SliceSpatial(Storage x, Shape4 xShape, int offH, int offW, Storage y, Shape4 yShape);
    /// <summary>dx (+)= the slice's adjoint: dy placed at (offH, offW) in a tensor of x's shape, zeros elsewhere.</summary>
    void SliceSpatialBackward(Storage dy, Shape4 yShape, int offH, int offW, Storage dx, Shape4 xShape, bool accumulate);

    // ---- convolution --------------------------------------------------------------------------
    void Conv2dForward(Conv2dGeometry g, Storage x, Storage w, Storage y);
    void Conv2dBackwardData(Conv2dGeometry g, Storage dy, Storage w, Storage dx, bool accumulate);
    void Conv2dBackwardFilter(Conv2dGeometry g, Storage x, Storage dy, Storage dw, bool accumulate);

    // ---- pooling ------------------------------------------------------------------------------
    void Pool2dForward(Pool2dGeometry g, Storage x, Storage y);
    void Pool2dBackward(Pool2dGeometry g, Storage x, Storage y, Storage dy, Storage dx, bool accumulate);
    /// <summary>y (N, C) = mean over H, W of x (N, C, H, W).</summary>
    void GlobalAvgPool(Shape4 xShape, Storage x, Storage y);
    void GlobalAvgPoolBackward(Shape4 xShape, Storage dy, Storage dx, bool accumulate);

    // ---- batch norm (per channel over N, H, W) ------------------------------------------------
    /// <summary>
    /// Training mode: normalises with batch statistics, writes saveMean and saveInvStd (1/sqrt(var + eps), biased var)
    /// for backward, and updates running statistics: r = (1 - momentum) r + momentum * stat, with the unbiased
    /// variance for runVar (PyTorch semantics). gamma and beta are null when the norm has no affine parameters.
    /// </summary>
    void BatchNormTraining(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double momentum, double epsilon, Storage y, Storage saveMean, Storage saveInvStd);
    void BatchNormInference(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double epsilon, Storage y);
    /// <summary>Backward of training mode. dgamma and dbeta always accumulate (they are weight gradients).</summary>
    void BatchNormBackward(Shape4 xShape, Storage x, Storage dy, Storage? gamma, Storage saveMean, Storage saveInvStd,
        Storage dx, Storage? dgamma, Storage? dbeta, bool accumulate);

    // ---- dense --------------------------------------------------------------------------------
    /// <summary>Row-major C (m, n) = alpha * op(A) * op(B) + beta * C, op(A) is (m, k), op(B) is (k, n).</summary>
    void Gemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha, Storage a, Storage b, double beta, Storage c);
    /// <summary>y[r, c] += bias[c] for a (rows, cols) matrix.</summary>
    void AddBias(Storage y, Storage bias, int rows, int cols);
    /// <summary>dbias[c] (+)= sum over r of dy[r, c].</summary>
    void BiasBackward(Storage dy, int rows, int cols, Storage dbias, bool accumulate);

    // ---- loss ---------------------------------------------------------------------------------
    /// <summary>
    /// Row-wise softmax of logits (rows, classes) into probs, and logLikelihood[r] = log softmax(logits[r])[labels[r]].
    /// labels is an Int32 storage; a label outside [0, classes) is an error.
    /// </summary>
    void SoftmaxCrossEntropy(Storage logits, Storage labels, int rows, int classes, Storage probs, Storage logLikelihood);
    /// <summary>dlogits[r] (+)= rowWeight[r] * (probs[r] - onehot(labels[r])): the gradient of sum_r rowWeight[r] * (-logLikelihood[r]).</summary>
    void SoftmaxCrossEntropyBackward(Storage probs, Storage labels, Storage rowWeight, int rows, int classes, Storage dlogits, bool accumulate);

    // ---- reductions and optimizers ------------------------------------------------------------
    /// <summary>Sum of squares of all elements, computed in double.</summary>
    double SumOfSquares(Storage x);
    /// <summary>True when every element is finite.</summary>
    bool AllFinite(Storage x);
    void SgdUpdate(Storage weight, Storage grad, Storage momentumBuffer, SgdStep step);
    void AdamUpdate(Storage weight, Storage grad, Storage firstMoment, Storage secondMoment, AdamStep step);
}
