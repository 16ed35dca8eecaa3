using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>
/// Everything a search run depends on. Defaults are the paper's search setting on CIFAR-10 (C = 16, 8 cells,
/// batch 64, 50 epochs, K = 16) and DARTS' optimiser settings; the resolved record is saved as options.json
/// and a resumed run reads it back, so two runs with equal options are the same computation.
/// </summary>
public sealed record SearchOptions
{
    // ---- data -------------------------------------------------------------------------------------
    /// <summary>A name from <see cref="Data.DatasetCatalog"/>.</summary>
    public string Dataset { get; init; } = Data.Generated.OrientedTextures.Name;
    /// <summary>Images to generate (generated datasets) or to use at most; null for the dataset's default.</summary>
    public int? DataCount { get; init; }
    /// <summary>Side of generated images; null for the generator's default.</summary>
    public int? ImageSize { get; init; }
    public ulong DataSeed { get; init; } = 1;
    /// <summary>Folder of file-backed datasets.</summary>
    public string? DataFolder { get; init; }
    /// <summary>DARTS' split: this fraction of the training set fits the weights, the rest fits pi.</summary>
    public double TrainFraction { get; init; } = 0.5;

    // ---- network ----------------------------------------------------------------------------------
    public int Channels { get; init; } = 16;
    public int Layers { get; init; } = 8;

    // ---- schedule ---------------------------------------------------------------------------------
    public int BatchSize { get; init; } = 64;
    /// <summary>Epochs over the weight half; the learning rate is cosine-annealed over them.</summary>
    public int Epochs { get; init; } = 50;
    /// <summary>Stop after this many iterations in all (null: Epochs full epochs). The cosine period then covers the epochs these iterations span.</summary>
    public int? Iterations { get; init; }

    // ---- estimator --------------------------------------------------------------------------------
    /// <summary>K: architectures sampled per iteration, processed one after another.</summary>
    public int Samples { get; init; } = 16;
    /// <summary>Multiplies the batch log-likelihood sums before the importance weights (a temperature; 1 is the formula).</summary>
    public double LikelihoodScale { get; init; } = 1.0;
    public TermInputs TermInputs { get; init; } = TermInputs.Independent;

    // ---- weights (SGD, DARTS) ---------------------------------------------------------------------
    public double WeightLearningRate { get; init; } = 0.025;
    public double WeightLearningRateMin { get; init; } = 0.001;
    public double WeightMomentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 3e-4;
    public double GradientClip { get; init; } = 5.0;

    // ---- prior (Adam, DARTS' architecture optimiser) ----------------------------------------------
    public double PriorLearningRate { get; init; } = 3e-4;
    public double PriorBeta1 { get; init; } = 0.5;
    public double PriorBeta2 { get; init; } = 0.999;
    public double PriorWeightDecay { get; init; } = 1e-3;
    /// <summary>A pi.json to start from instead of the uniform prior (transfer).</summary>
    public string? PriorFrom { get; init; }

    // ---- run --------------------------------------------------------------------------------------
    public ulong Seed { get; init; }
    /// <summary>Write a checkpoint every this many iterations (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Append a metrics line and a pi_history line every this many iterations.</summary>
    public int LogEvery { get; init; } = 1;

    public void Validate()
    {
        Require(TrainFraction is > 0 and < 1, $"train fraction must be in (0, 1), got {TrainFraction}");
        Require(BatchSize >= 2, $"batch size must be >= 2 (batch norm needs two examples), got {BatchSize}");
        Require(Epochs >= 1, $"epochs must be >= 1, got {Epochs}");
        Require(Iterations is null or >= 1, $"iterations must be >= 1, got {Iterations}");
        Require(Samples >= 1, $"samples (K) must be >= 1, got {Samples}");
        Require(LikelihoodScale > 0 && double.IsFinite(LikelihoodScale), $"likelihood scale must be positive, got {LikelihoodScale}");
        Require(WeightLearningRate > 0 && WeightLearningRateMin >= 0, $"learning rates must be positive, got {WeightLearningRate} and minimum {WeightLearningRateMin}");
        Require(GradientClip > 0, $"gradient clip must be positive, got {GradientClip}");
        Require(PriorLearningRate >= 0, $"prior learning rate must be >= 0, got {PriorLearningRate}");
        Require(CheckpointEvery >= 1 && LogEvery >= 1, "checkpoint and log intervals must be >= 1");

        static void Require(bool condition, string message)
        {
            if (!condition) throw new ArgumentException(message);
        }
    }
}
