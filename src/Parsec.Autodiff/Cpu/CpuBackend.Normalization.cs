namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void BatchNormTraining(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double momentum, double epsilon, Storage y, Storage saveMean, Storage saveInvStd)
    {
        const string op = nameof(BatchNormTraining);
        CheckNorm(op, xShape, x, gamma, beta, runMean, runVar, y);
        RequireLength(op, saveMean, xShape.C, "saveMean");
        RequireLength(op, saveInvStd, xShape.C, "saveInvStd");
        if (xShape.N * xShape.H * xShape.W < 2)
            throw new ArgumentException($"{op}: training-mode batch norm needs more than one value per channel, input is {xShape}");
        if (IsDouble(op, x, gamma, beta, runMean, runVar, y, saveMean, saveInvStd))
            BatchNormalization.Training(xShape, Arr<double>(x), OrNull<double>(gamma), OrNull<double>(beta), Arr<double>(runMean), Arr<double>(runVar),
                momentum, epsilon, Arr<double>(y), Arr<double>(saveMean), Arr<double>(saveInvStd));
        else
            BatchNormalization.Training(xShape, Arr<float>(x), OrNull<float>(gamma), OrNull<float>(beta), Arr<float>(runMean), Arr<float>(runVar),
                momentum, epsilon, Arr<float>(y), Arr<float>(saveMean), Arr<float>(saveInvStd));
    }

    public void BatchNormInference(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double epsilon, Storage y)
    {
        const string op = nameof(BatchNormInference);
        CheckNorm(op, xShape, x, gamma, beta, runMean, runVar, y);
        if (IsDouble(op, x, gamma, beta, runMean, runVar, y))
            BatchNormalization.Inference(xShape, Arr<double>(x), OrNull<double>(gamma), OrNull<double>(beta), Arr<double>(runMean), Arr<double>(runVar), epsilon, Arr<double>(y));
        else
            BatchNormalization.Inference(xShape, Arr<float>(x), OrNull<float>(gamma), OrNull<float>(beta), Arr<float>(runMean), Arr<float>(runVar), epsilon, Arr<float>(y));
    }

    public void BatchNormBackward(Shape4 xShape, Storage x, Storage dy, Storage? gamma, Storage saveMean, Storage saveInvStd,
        Storage dx, Storage? dgamma, Storage? dbeta, bool accumulate)
    {
        const string op = nameof(BatchNormBackward);
        RequireLength(op, x, xShape.Length, $"x {xShape}");
        RequireLength(op, dy, xShape.Length, $"dy {xShape}");
        RequireLength(op, dx, xShape.Length, $"dx {xShape}");
        foreach (var (s, role) in new[] { (gamma, "gamma"), (saveMean, "saveMean"), (saveInvStd, "saveInvStd"), (dgamma, "dgamma"), (dbeta, "dbeta") })
            if (s is not null) RequireLength(op, s, xShape.C, role);
        if (IsDouble(op, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta))
            BatchNormalization.Backward(xShape, Arr<double>(x), Arr<double>(dy), OrNull<double>(gamma), Arr<double>(saveMean), Arr<double>(saveInvStd),
                Arr<double>(dx), OrNull<double>(dgamma), OrNull<double>(dbeta), accumulate);
        else
            BatchNormalization.Backward(xShape, Arr<float>(x), Arr<float>(dy), OrNull<float>(gamma), Arr<float>(saveMean), Arr<float>(saveInvStd),
                Arr<float>(dx), OrNull<float>(dgamma), OrNull<float>(dbeta), accumulate);
    }

    private static void CheckNorm(string op, Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar, Storage y)
    {
        RequireLength(op, x, xShape.Length, $"x {xShape}");
        RequireLength(op, y, xShape.Length, $"y {xShape}");
        RequireLength(op, runMean, xShape.C, "runMean");
        RequireLength(op, runVar, xShape.C, "runVar");
        if ((gamma is null) != (beta is null)) throw new ArgumentException($"{op}: give both gamma and beta, or neither");
        if (gamma is not null) RequireLength(op, gamma, xShape.C, "gamma");
        if (beta is not null) RequireLength(op, beta, xShape.C, "beta");
    }

    private static T[]? OrNull<T>(Storage? s) where T : unmanaged => s is null ? null : Arr<T>(s);
}
