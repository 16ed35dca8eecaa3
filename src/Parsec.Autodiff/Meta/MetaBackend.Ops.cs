namespace Parsec.Autodiff.Meta;

/// <summary>The op set of <see cref="IBackend"/>, reduced to the length and type checks each op's geometry implies.</summary>
public sealed partial class MetaBackend
{
    // ---- element-wise -------------------------------------------------------------------------

    public void Relu(Storage x, Storage y) => SameLength(nameof(Relu), x, y);

    public void ReluBackward(Storage y, Storage dy, Storage dx, bool accumulate) => SameLength(nameof(ReluBackward), y, dy, dx);

    public void Add(Storage a, Storage b, Storage y) => SameLength(nameof(Add), a, b, y);

    public void Scale(Storage x, double alpha, Storage y, bool accumulate) => SameLength(nameof(Scale), x, y);

    public void ScaleRows(Storage x, Storage rowScale, int rowLength, Storage y, bool accumulate)
    {
        SameLength(nameof(ScaleRows), x, y);
        RequireFloats(nameof(ScaleRows), x, rowScale);
        RequireLength(nameof(ScaleRows), x, rowScale.Length * rowLength, "x (rows x rowLength)");
    }

    // ---- layout -------------------------------------------------------------------------------

    public void CopyChannels(Storage src, Shape4 srcShape, int srcOffset, Storage dst, Shape4 dstShape, int dstOffset, int count, bool accumulate)
    {
        RequireFloats(nameof(CopyChannels), src, dst);
        RequireLength(nameof(CopyChannels), src, srcShape.Length, "src");
        RequireLength(nameof(CopyChannels), dst, dstShape.Length, "dst");
        if (srcShape.N != dstShape.N || srcShape.H != dstShape.H || srcShape.W != dstShape.W
            || srcOffset < 0 || dstOffset < 0 || count < 0 || srcOffset + count > srcShape.C || dstOffset + count > dstShape.C)
            throw new ArgumentException($"CopyChannels: {count} channels from {srcShape}@{srcOffset} to {dstShape}@{dstOffset} do not fit");
    }

    public void SliceSpatial(Storage x, Shape4 xShape, int offH, int offW, Storage y, Shape4 yShape) =>
        CheckSlice(nameof(SliceSpatial), x, xShape, offH, offW, y, yShape);

    public void SliceSpatialBackward(Storage dy, Shape4 yShape, int offH, int offW, Storage dx, Shape4 xShape, bool accumulate) =>
        CheckSlice(nameof(SliceSpatialBackward), dx, xShape, offH, offW, dy, yShape);

    private static void CheckSlice(string op, Storage x, Shape4 xShape, int offH, int offW, Storage y, Shape4 yShape)
    {
        RequireFloats(op, x, y);
        RequireLength(op, x, xShape.Length, "the sliced tensor");
        RequireLength(op, y, yShape.Length, "the slice");
        if (xShape.N != yShape.N || xShape.C != yShape.C || offH < 0 || offW < 0 || offH + yShape.H > xShape.H || offW + yShape.W > xShape.W)
            throw new ArgumentException($"{op}: window {yShape} at ({offH}, {offW}) is outside {xShape}");
    }

    // ---- convolution --------------------------------------------------------------------------

    public void Conv2dForward(Conv2dGeometry g, Storage x, Storage w, Storage y) => CheckConv(nameof(Conv2dForward), g, x, w, y);

    public void Conv2dBackwardData(Conv2dGeometry g, Storage dy, Storage w, Storage dx, bool accumulate) =>
        CheckConv(nameof(Conv2dBackwardData), g, dx, w, dy);

    public void Conv2dBackwardFilter(Conv2dGeometry g, Storage x, Storage dy, Storage dw, bool accumulate) =>
        CheckConv(nameof(Conv2dBackwardFilter), g, x, dw, dy);

    private static void CheckConv(string op, Conv2dGeometry g, Storage x, Storage w, Storage y)
    {
        g.Validate();
        RequireFloats(op, x, w, y);
        RequireLength(op, x, g.Input.Length, "the input");
        RequireLength(op, w, g.WeightLength, "the weight");
        RequireLength(op, y, g.Output.Length, "the output");
    }

    // ---- pooling ------------------------------------------------------------------------------

    public void Pool2dForward(Pool2dGeometry g, Storage x, Storage y) => CheckPool(nameof(Pool2dForward), g, x, y);

    public void Pool2dBackward(Pool2dGeometry g, Storage x, Storage y, Storage dy, Storage dx, bool accumulate)
    {
        CheckPool(nameof(Pool2dBackward), g, x, y);
        CheckPool(nameof(Pool2dBackward), g, dx, dy);
    }

    private static void CheckPool(string op, Pool2dGeometry g, Storage x, Storage y)
    {
        g.Validate();
        RequireFloats(op, x, y);
        RequireLength(op, x, g.Input.Length, "the input");
        RequireLength(op, y, g.Output.Length, "the output");
    }

    public void GlobalAvgPool(Shape4 xShape, Storage x, Storage y) => CheckGlobalPool(nameof(GlobalAvgPool), xShape, x, y);

    public void GlobalAvgPoolBackward(Shape4 xShape, Storage dy, Storage dx, bool accumulate) =>
        CheckGlobalPool(nameof(GlobalAvgPoolBackward), xShape, dx, dy);

    private static void CheckGlobalPool(string op, Shape4 xShape, Storage x, Storage y)
    {
        RequireFloats(op, x, y);
        RequireLength(op, x, xShape.Length, "the feature maps");
        RequireLength(op, y, (long)xShape.N * xShape.C, "the pooled (N, C) output");
    }

    // ---- batch norm ---------------------------------------------------------------------------

    public void BatchNormTraining(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double momentum, double epsilon, Storage y, Storage saveMean, Storage saveInvStd)
    {
        CheckNorm(nameof(BatchNormTraining), xShape, x, y, gamma, beta, runMean, runVar);
        CheckChannels(nameof(BatchNormTraining), xShape, saveMean, saveInvStd);
    }

    public void BatchNormInference(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double epsilon, Storage y) =>
        CheckNorm(nameof(BatchNormInference), xShape, x, y, gamma, beta, runMean, runVar);

    public void BatchNormBackward(Shape4 xShape, Storage x, Storage dy, Storage? gamma, Storage saveMean, Storage saveInvStd,
        Storage dx, Storage? dgamma, Storage? dbeta, bool accumulate)
    {
        CheckNorm(nameof(BatchNormBackward), xShape, x, dy, gamma, null, saveMean, saveInvStd);
        SameLength(nameof(BatchNormBackward), x, dx);
        CheckChannels(nameof(BatchNormBackward), xShape, dgamma, dbeta);
    }

    private static void CheckNorm(string op, Shape4 xShape, Storage x, Storage y, params ReadOnlySpan<Storage?> perChannel)
    {
        RequireFloats(op, x, y);
        RequireLength(op, x, xShape.Length, "the input");
        RequireLength(op, y, xShape.Length, "the output");
        CheckChannels(op, xShape, perChannel);
    }

    private static void CheckChannels(string op, Shape4 xShape, params ReadOnlySpan<Storage?> perChannel)
    {
        foreach (var s in perChannel)
            if (s is not null) RequireLength(op, s, xShape.C, "a per-channel buffer");
    }

    // ---- dense --------------------------------------------------------------------------------

    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha, Storage a, Storage b, double beta, Storage c)
    {
        RequireFloats(nameof(Gemm), a, b, c);
        RequireLength(nameof(Gemm), a, (long)m * k, "A");
        RequireLength(nameof(Gemm), b, (long)k * n, "B");
        RequireLength(nameof(Gemm), c, (long)m * n, "C");
    }

    public void AddBias(Storage y, Storage bias, int rows, int cols)
    {
        RequireFloats(nameof(AddBias), y, bias);
        RequireLength(nameof(AddBias), y, (long)rows * cols, "y");
        RequireLength(nameof(AddBias), bias, cols, "the bias");
    }

    public void BiasBackward(Storage dy, int rows, int cols, Storage dbias, bool accumulate) => AddBias(dy, dbias, rows, cols);

    // ---- loss ---------------------------------------------------------------------------------

    public void SoftmaxCrossEntropy(Storage logits, Storage labels, int rows, int classes, Storage probs, Storage logLikelihood)
    {
        CheckLoss(nameof(SoftmaxCrossEntropy), logits, labels, rows, classes, probs);
        RequireFloats(nameof(SoftmaxCrossEntropy), logits, logLikelihood);
        RequireLength(nameof(SoftmaxCrossEntropy), logLikelihood, rows, "the log-likelihoods");
    }

    public void SoftmaxCrossEntropyBackward(Storage probs, Storage labels, Storage rowWeight, int rows, int classes, Storage dlogits, bool accumulate)
    {
        CheckLoss(nameof(SoftmaxCrossEntropyBackward), dlogits, labels, rows, classes, probs);
        RequireFloats(nameof(SoftmaxCrossEntropyBackward), probs, rowWeight);
        RequireLength(nameof(SoftmaxCrossEntropyBackward), rowWeight, rows, "the row weights");
    }

    private static void CheckLoss(string op, Storage logits, Storage labels, int rows, int classes, Storage probs)
    {
        SameLength(op, logits, probs);
        RequireLength(op, logits, (long)rows * classes, "the logits");
        RequireTyped(op, labels, rows, DType.Int32);
    }

    // ---- reductions and optimizers ------------------------------------------------------------

    public double SumOfSquares(Storage x)
    {
        RequireFloats(nameof(SumOfSquares), x);
        return 0;
    }

    public bool AllFinite(Storage x)
    {
        RequireFloats(nameof(AllFinite), x);
        return true;
    }

    public void SgdUpdate(Storage weight, Storage grad, Storage momentumBuffer, SgdStep step) =>
        SameLength(nameof(SgdUpdate), weight, grad, momentumBuffer);

    public void AdamUpdate(Storage weight, Storage grad, Storage firstMoment, Storage secondMoment, AdamStep step) =>
        SameLength(nameof(AdamUpdate), weight, grad, firstMoment, secondMoment);

    /// <summary>All operands are float buffers of one type and the first one's length.</summary>
    private static void SameLength(string op, Storage first, params ReadOnlySpan<Storage> others)
    {
        RequireFloats(op, first);
        foreach (var s in others)
        {
            RequireFloats(op, first, s);
            RequireLength(op, s, first.Length, "every operand");
        }
    }
}
