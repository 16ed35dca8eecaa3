namespace Parsec.Autodiff;

/// <summary>torch.optim.SGD (dampening 0, no Nesterov, as DARTS trains): weight decay added to the gradient, then momentum.</summary>
public sealed class Sgd : Optimizer
{
    private const string MomentumSlot = "momentum";

    public Sgd(IReadOnlyList<Tensor> parameters, double momentum = 0, double weightDecay = 0)
        : base(parameters, "sgd", MomentumSlot)
    {
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be >= 0");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be >= 0");
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public double Momentum { get; }
    public double WeightDecay { get; }

    public override void Step(double learningRate)
    {
        var hyper = new SgdStep(learningRate, Momentum, WeightDecay);
        // Without momentum the buffer is never read by the update, but the backend contract takes one.
        var updates = Parameters.Select((p, i) => new SgdUpdateArgs(p.Storage, p.Grad!.Storage, State(i, MomentumSlot).Storage, hyper)).ToList();
        // The whole bank in one multi-tensor call: a few launches on a GPU instead of one per parameter.
        if (updates.Count > 0) Parameters[0].Backend.SgdUpdateMany(new SgdUpdateManyArgs(updates));
        StepCount++;
    }
}
