namespace Parsec.Autodiff.Meta;

/// <summary>
/// The op set of <see cref="IBackend"/> with nothing to compute: each record was checked against its geometry
/// when it was created, and every byte an op touches was counted when its output buffers were allocated. The
/// multiply-adds of convolutions and matrix products are counted (<see cref="MultiplyAdds"/>): the compute measure
/// NAS papers quote as "FLOPs".
/// </summary>
public sealed partial class MetaBackend
{
    private long _multiplyAdds;

    /// <summary>Multiply-adds of every convolution forward and matrix product run since <see cref="ResetMultiplyAdds"/>.</summary>
    public long MultiplyAdds => Interlocked.Read(ref _multiplyAdds);

    public void ResetMultiplyAdds() => Interlocked.Exchange(ref _multiplyAdds, 0);

    public void Elementwise(ElementwiseArgs args) { }

    public void CopyChannels(CopyChannelsArgs args) { }
    public void SliceSpatial(SliceSpatialArgs args) { }
    public void SliceSpatialBackward(SliceSpatialBackwardArgs args) { }

    public void Conv2dForward(Conv2dForwardArgs args) => Interlocked.Add(ref _multiplyAdds, args.Geometry.MultiplyAdds);
    public void Conv2dBackwardData(Conv2dBackwardDataArgs args) { }
    public void Conv2dBackwardFilter(Conv2dBackwardFilterArgs args) { }

    public void Pool2dForward(Pool2dForwardArgs args) { }
    public void Pool2dBackward(Pool2dBackwardArgs args) { }
    public void GlobalAvgPool(GlobalAvgPoolArgs args) { }
    public void GlobalAvgPoolBackward(GlobalAvgPoolBackwardArgs args) { }

    public void BatchNormTraining(BatchNormTrainingArgs args) { }
    public void BatchNormInference(BatchNormInferenceArgs args) { }
    public void BatchNormBackward(BatchNormBackwardArgs args) { }

    public void Gemm(GemmArgs args) => Interlocked.Add(ref _multiplyAdds, (long)args.M * args.N * args.K);
    public void AddBias(AddBiasArgs args) { }
    public void BiasBackward(BiasBackwardArgs args) { }

    public void SoftmaxCrossEntropy(SoftmaxCrossEntropyArgs args) { }
    public void SoftmaxCrossEntropyBackward(SoftmaxCrossEntropyBackwardArgs args) { }

    public void WeightedSum(WeightedSumArgs args) { }
    public void SgdUpdate(SgdUpdateArgs args) { }
    public void AdamUpdate(AdamUpdateArgs args) { }

    /// <summary>There are no values: 0, so code that branches on a norm sees a harmless constant.</summary>
    public double SumOfSquares(Storage x)
    {
        RequireFloats(nameof(SumOfSquares), x);
        return 0;
    }

    /// <summary>There are no values: 0.</summary>
    public double Dot(DotArgs args)
    {
        Own(args.A);
        Own(args.B);
        return 0;
    }

    /// <summary>There are no values: true, so a NaN check never stops a memory report.</summary>
    public bool AllFinite(Storage x)
    {
        RequireFloats(nameof(AllFinite), x);
        return true;
    }
}
