namespace Parsec.Autodiff;

/// <summary>torch.optim.Adam (L2 weight decay added to the gradient, no AMSGrad), as used for DARTS' architecture weights.</summary>
internal sealed class Adam : Optimizer
{
    private const string FirstMoment = "exp_avg";
    private const string SecondMoment = "exp_avg_sq";

    public Adam(IReadOnlyList<Tensor> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(parameters, "adam", FirstMoment, SecondMoment)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must be in [0, 1), got ({beta1}, {beta2})");
        if (epsilon <= 0) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }

    public override void Step(double learningRate)
    {
        StepCount++;
        var hyper = new AdamStep(learningRate, Beta1, Beta2, Epsilon, WeightDecay, StepCount);
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            p.Backend.AdamUpdate(new AdamUpdateArgs(p.Storage, p.Grad!.Storage, State(i, FirstMoment).Storage, State(i, SecondMoment).Storage, hyper));
        }
    }
}
