namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void BatchNormTraining(BatchNormTrainingArgs a)
    {
        if (IsDouble(a.X))
            BatchNormalization.Training(a.XShape, Arr<double>(a.X), OrNull<double>(a.Gamma), OrNull<double>(a.Beta), Arr<double>(a.RunMean), Arr<double>(a.RunVar),
                a.Momentum, a.Epsilon, Arr<double>(a.Y), Arr<double>(a.SaveMean), Arr<double>(a.SaveInvStd), a.Relu);
        else
            BatchNormalization.Training(a.XShape, Arr<float>(a.X), OrNull<float>(a.Gamma), OrNull<float>(a.Beta), Arr<float>(a.RunMean), Arr<float>(a.RunVar),
                a.Momentum, a.Epsilon, Arr<float>(a.Y), Arr<float>(a.SaveMean), Arr<float>(a.SaveInvStd), a.Relu);
    }

    public void BatchNormInference(BatchNormInferenceArgs a)
    {
        if (IsDouble(a.X))
            BatchNormalization.Inference(a.XShape, Arr<double>(a.X), OrNull<double>(a.Gamma), OrNull<double>(a.Beta), Arr<double>(a.RunMean), Arr<double>(a.RunVar), a.Epsilon, Arr<double>(a.Y), a.Relu);
        else
            BatchNormalization.Inference(a.XShape, Arr<float>(a.X), OrNull<float>(a.Gamma), OrNull<float>(a.Beta), Arr<float>(a.RunMean), Arr<float>(a.RunVar), a.Epsilon, Arr<float>(a.Y), a.Relu);
    }

    public void BatchNormBackward(BatchNormBackwardArgs a)
    {
        if (IsDouble(a.X))
            BatchNormalization.Backward(a.XShape, Arr<double>(a.X), Arr<double>(a.Dy), OrNull<double>(a.Gamma), Arr<double>(a.SaveMean), Arr<double>(a.SaveInvStd),
                Arr<double>(a.Dx), OrNull<double>(a.Dgamma), OrNull<double>(a.Dbeta), a.Accumulate, OrNull<double>(a.ReluOutput));
        else
            BatchNormalization.Backward(a.XShape, Arr<float>(a.X), Arr<float>(a.Dy), OrNull<float>(a.Gamma), Arr<float>(a.SaveMean), Arr<float>(a.SaveInvStd),
                Arr<float>(a.Dx), OrNull<float>(a.Dgamma), OrNull<float>(a.Dbeta), a.Accumulate, OrNull<float>(a.ReluOutput));
    }

    private static T[]? OrNull<T>(Storage? s) where T : unmanaged => s is null ? null : Arr<T>(s);
}
