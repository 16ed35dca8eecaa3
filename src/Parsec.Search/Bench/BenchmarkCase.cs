namespace Parsec.Search.Bench;

/// <summary>
/// A benchmark case: the network and batch of one reference measurement. PyTorch's time for the same case is
/// measured beside it by <see cref="PyTorchReference"/>; figures measured elsewhere are in <see cref="StoredReference"/>.
/// A sampled case trains the search network on a new architecture every step; an evaluation case
/// (<see cref="Evaluation"/>) trains the DARTS_V2 genotype as `parsec train` does.
/// </summary>
internal sealed record BenchmarkCase(string Name, int Channels, int Layers, int BatchSize, int ImageSize, int Steps, int Warmup)
{
    /// <summary>The evaluation network of DARTS_V2 instead of the sampled search network.</summary>
    public bool Evaluation { get; init; }

    /// <summary>Evaluation cases: DARTS' auxiliary head after cell 2L/3, its loss weighted 0.4.</summary>
    public bool Auxiliary { get; init; }

    /// <summary>Evaluation cases: drop-path probability of every non-identity term.</summary>
    public double DropPath { get; init; }

    /// <summary>
    /// cpu_sampled_C8_L5_B32. More warm-up than the stored references' 2 steps: .NET recompiles hot methods with
    /// full optimisation after their first calls, and each step samples a new architecture, so the first steps
    /// are not representative.
    /// </summary>
    public static readonly BenchmarkCase Cpu = new("cpu_sampled_C8_L5_B32", 8, 5, 32, 32, 20, 8);

    /// <summary>search_sampled_C16_L8, the GPU case.</summary>
    public static readonly BenchmarkCase Gpu = new("search_sampled_C16_L8", 16, 8, 64, 32, 40, 8);

    /// <summary>eval_dartsv2_C36_L20: `parsec train`'s default network (DARTS' evaluation protocol), the GPU's evaluation case.</summary>
    public static readonly BenchmarkCase Eval = new("eval_dartsv2_C36_L20", 36, 20, 96, 32, 30, 8)
    {
        Evaluation = true, Auxiliary = true, DropPath = 0.2,
    };

    /// <summary>cpu_eval_dartsv2_C16_L8_B64: the evaluation network at a size a 2-core CPU trains in under a second a step.</summary>
    public static readonly BenchmarkCase EvalCpu = new("cpu_eval_dartsv2_C16_L8_B64", 16, 8, 64, 32, 8, 3) { Evaluation = true };
}
