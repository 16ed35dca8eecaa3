using Parsec.Search.Model.Layers;
using Parsec.Autodiff;

namespace Parsec.Search.Model;

/// <summary>Whether the network has DARTS' auxiliary classifier (AuxiliaryHeadCIFAR) after the cell at depth 2L/3.</summary>
public enum AuxiliaryClassifier
{
    None,
    /// <summary>Reads the output of cell 2L/3 (the second reduction cell); only evaluated in training mode.</summary>
    AtTwoThirdsDepth,
}

/// <summary>The shape of a DARTS-space network. Defaults are the PARSEC search network (C = 16, L = 8).</summary>
public sealed record NetworkOptions
{
    /// <summary>C: channels of each intermediate node in the first cells (doubled at each reduction).</summary>
    public int Channels { get; init; } = 16;
    /// <summary>L: the number of cells; reductions are at L/3 and 2L/3 (integer division).</summary>
    public int Layers { get; init; } = 8;
    public int Classes { get; init; } = 10;
    public int InputChannels { get; init; } = 3;
    /// <summary>The stem produces StemMultiplier * C channels (3 in DARTS).</summary>
    public int StemMultiplier { get; init; } = 3;
    public NetworkPhase Phase { get; init; } = NetworkPhase.Search;
    public AuxiliaryClassifier Auxiliary { get; init; } = AuxiliaryClassifier.None;
    /// <summary>
    /// Probability of dropping a non-identity term's output per example in training mode (DARTS' drop_path_prob).
    /// Trainers that ramp it up per epoch set <see cref="Network.DropPathProbability"/> instead.
    /// </summary>
    public double DropPathProbability { get; init; }
    /// <summary>The space of the shared network's cells (its candidates and node count); a fixed network takes its genotype's.</summary>
    public Space.SearchSpace Space { get; init; } = Parsec.Search.Space.SearchSpace.Darts;
    /// <summary>Float32 normally; Float64 on the CPU when gradients are checked tightly.</summary>
    public DType DType { get; init; } = DType.Float32;

    public bool IsReduction(int cell) => cell == Layers / 3 || cell == 2 * Layers / 3;

    /// <summary>The cell after which the auxiliary head reads its features.</summary>
    public int AuxiliaryCell => 2 * Layers / 3;

    public void Validate()
    {
        if (Channels < 1) throw new BadInputException($"channels must be >= 1, got {Channels}");
        if (Channels % 2 != 0) throw new BadInputException($"channels must be even (the factorized reduction splits them in two), got {Channels}");
        if (Layers < 1) throw new BadInputException($"layers (cells) must be >= 1, got {Layers}");
        if (Classes < 2) throw new BadInputException($"classes must be >= 2, got {Classes}");
        if (InputChannels < 1) throw new BadInputException($"input channels must be >= 1, got {InputChannels}");
        if (StemMultiplier < 1) throw new BadInputException($"stem multiplier must be >= 1, got {StemMultiplier}");
        if (DropPathProbability is < 0 or >= 1) throw new BadInputException($"drop-path probability must be in [0, 1), got {DropPathProbability}");
        if (DType == DType.Int32) throw new BadInputException("a network computes in Float32 or Float64, not Int32");
    }
}
