using Parsec.Autodiff;

namespace Parsec.Search.Model;

/// <summary>Drop path for one forward pass: off, or a probability with the generator that draws the per-example masks.</summary>
public readonly record struct DropPath(double Probability, Rng? Rng)
{
    public static readonly DropPath Off = new(0, null);

    public Tensor Apply(Tape tape, Tensor x) =>
        Probability <= 0 ? x
            : tape.DropPath(x, Probability, Rng ?? throw new InvalidOperationException("drop path is on but the forward pass has no generator for its masks (ForwardMode.DropPathRng)"));
}
