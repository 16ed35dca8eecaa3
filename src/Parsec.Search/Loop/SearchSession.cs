using Parsec.Search.Model.Layers;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Estimator;
using Parsec.Search.Memory;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

/// <summary>
/// The complete mutable state of a search: the shared network, the prior and both optimisers, the two
/// halves of the data with their batch orders, and the generator that samples architectures. It is built
/// from <see cref="SearchOptions"/> alone (same options, same seed: same state), and
/// <see cref="Restore"/> / <see cref="Progress"/> move it to and from a checkpoint. <see cref="Options"/> are the
/// options with their automatic values resolved (<see cref="SearchOptions.Resolved"/>, and the concurrency by
/// <see cref="SampleConcurrency"/>).
/// One iteration is <see cref="Step"/> (SearchSession.Step.cs). Images are standardised per channel as `train`
/// standardises them (<see cref="SearchOptions.Pixels"/>); the weights' batches get the dataset's crops and flips only
/// with <see cref="SearchOptions.Augment"/>.
/// </summary>
internal sealed partial class SearchSession : IDisposable
{
    private readonly Rng _architectureRng;
    private readonly SampleWorkers _workers;
    private readonly SampleReduction _reduction;
    private readonly CosineSchedule _schedule;
    private readonly ArchitecturePrior _warmupPrior; // uniform: what the warm-up samples from
    private readonly ulong _candidateSeed;
    private readonly PriorOptimizer? _alphaOptimizer; // DARTS' Adam on alpha
    private readonly Tape? _dartsTape;                // DARTS runs one mixed pass at a time
    private readonly CommitTracker? _commitment;      // --commit decided
    private readonly WeightBatchAugmenter? _weightBatchAugmenter; // --augment dataset

    private static Cost.LatencyTable LatencyTableFor(Cost.LatencyTable table, Cost.CostShape shape) =>
        table.Shape == shape ? table : throw new BadInputException($"the latency table is for {table.Shape}, this search's network is {shape}");

    /// <summary>The evaluation network a search's cost is counted for: its C and cells at the dataset's image size, channels and classes.</summary>
    public static Cost.CostShape CostShapeOf(SearchOptions options, InMemoryDataset dataset) =>
        new(options.Channels, options.Layers, dataset.Height, dataset.Channels, dataset.Classes) { Space = options.Space };

    /// <summary>The exact per-term cost table a search with <paramref name="measure"/> prices pi and its genotype with; <paramref name="latency"/> as for the constructor.</summary>
    public static Cost.TermCostTable CostTableOf(SearchOptions options, InMemoryDataset dataset, Cost.CostMeasure measure, Func<Cost.CostShape, Cost.LatencyTable>? latency)
    {
        var shape = CostShapeOf(options, dataset);
        return measure != Parsec.Search.Cost.CostMeasure.Latency ? Parsec.Search.Cost.TermCostTable.Build(shape, measure)
            : latency is null ? throw new BadInputException("--cost latency needs a latency table measured on this backend (parsec search measures one)")
            : LatencyTableFor(latency(shape), shape).ToTermCosts();
    }

    /// <param name="latency">
    /// For a --cost latency search: gives the latency table for the search's network (<see cref="SearchRunner"/>
    /// measures one, or reads the run folder's), asked once the options are checked; null otherwise.
    /// </param>
    public SearchSession(SearchOptions options, IBackend backend, InMemoryDataset dataset, Func<Cost.CostShape, Cost.LatencyTable>? latency = null)
    {
        options.Validate();
        Backend = backend;
        // Standardised with the whole training set's statistics, as `train` computes them.
        if (options.Pixels == SearchPixels.Normalized) dataset = DatasetStatistics.Compute(dataset).ToNormalization().ApplyTo(dataset);
        (TrainData, ValidationData) = SplitForSearch(dataset, options);
        SplitClasses = SplitClasses.Of(TrainData, ValidationData);

        // One master seed; each consumer gets its own stream so that changing one (say K) does not shift the others.
        var master = new Rng(options.Seed);
        var initRng = master.Fork();
        _architectureRng = master.Fork();
        TrainBatches = new BatchSampler(TrainData.Count, options.BatchSize, master.Fork());
        ValidationBatches = new BatchSampler(ValidationData.Count, options.BatchSize, master.Fork());
        _candidateSeed = master.NextUInt64();
        var alphaRng = new Rng(master.NextUInt64());
        // Drawn after every other stream, so that searches without --augment keep the bits they had before it existed.
        _weightBatchAugmenter = WeightBatchAugmenter.For(options, TrainData, master.NextUInt64());
        IterationsPerEpoch = TrainBatches.BatchesPerEpoch;
        Options = options = options.Resolved(IterationsPerEpoch, dataset.Height, ValidationData.Count);

        NetworkOptions = new NetworkOptions
        {
            Channels = options.Channels, Layers = options.Layers, Classes = dataset.Classes, InputChannels = dataset.Channels,
            Phase = NetworkPhase.Search, Space = options.Space,
        };
        // The backend decides the automatic concurrency, so it is resolved here rather than in Resolved.
        var footprint = new FootprintConfiguration(NetworkOptions, options.BatchSize, dataset.Height);
        Options = options = options with
        {
            // DARTS runs one supernet pass at a time: it has no samples to spread over workers.
            Concurrency = options.Strategy == SearchStrategy.Darts ? 1 : SampleConcurrency.Choose(options.Concurrency, backend, options.Samples,
                () => MemoryFootprint.Measure(footprint, FootprintCase.SampledArchitecture).StepPeakBytes),
        };
        Network = Network.CreateShared(backend, NetworkOptions, initRng);
        Prior = options.PriorFrom is { } priorFile ? LoadTransferredPrior(priorFile, options.TermInputs, options.Space) : new ArchitecturePrior(options.TermInputs, options.Space);
        _warmupPrior = new ArchitecturePrior(options.TermInputs, options.Space);
        PriorOptimizer = new PriorOptimizer(Prior, new PriorOptimizerOptions(options.PriorLearningRate!.Value, options.PriorBeta1, options.PriorBeta2, options.PriorWeightDecay));
        WeightOptimizer = new Sgd(Network.Parameters.Weights, options.WeightMomentum, options.WeightDecay);
        _reduction = new SampleReduction(Network.Parameters.Weights);
        if (options.Cost is { } measure)
        {
            Cost = new SearchCost(CostTableOf(options, dataset, measure, latency), options.CostTarget, options.CostWeight, _warmupPrior);
        }
        if (options.Strategy == SearchStrategy.Darts)
        {
            Alpha = MixedOpWeights.Initial(options.Space, alphaRng, trackGradients: true);
            _alphaOptimizer = new PriorOptimizer(Alpha.Logits, PriorOptimizer.Options, "darts.alpha");
            _dartsTape = new Tape(backend);
        }
        _workers = new SampleWorkers(backend, options.Concurrency!.Value);
        if (options.Commit == PriorCommit.Decided) _commitment = new CommitTracker(this);

        TotalIterations = options.Iterations!.Value;
        WarmupIterations = options.WarmupIterations(TotalIterations);
        _schedule = new CosineSchedule(options.WeightLearningRate, options.Epochs, options.WeightLearningRateMin);
    }

    /// <summary>The batch that trains the weights in iteration <paramref name="number"/>: the next of the weights' part, augmented when --augment asks.</summary>
    private HostBatch NextTrainBatch(int number)
    {
        var batch = new HostBatch(TrainData, TrainBatches.Next());
        _weightBatchAugmenter?.Apply(batch, number);
        return batch;
    }

    public SearchOptions Options { get; }
    public IBackend Backend { get; }
    public InMemoryDataset TrainData { get; }
    public InMemoryDataset ValidationData { get; }
    public SplitClasses SplitClasses { get; }
    public BatchSampler TrainBatches { get; }
    public BatchSampler ValidationBatches { get; }
    public NetworkOptions NetworkOptions { get; }
    public Network Network { get; }
    /// <summary>pi (PARSEC); the uniform prior random search draws from; unused by DARTS.</summary>
    public ArchitecturePrior Prior { get; }
    /// <summary>The cost term of a cost-aware search (<see cref="SearchOptions.Cost"/>); null without one.</summary>
    public SearchCost? Cost { get; }
    /// <summary>DARTS' mixing logits alpha (<see cref="SearchStrategy.Darts"/>); null for the other strategies.</summary>
    public MixedOpWeights? Alpha { get; }
    public PriorOptimizer PriorOptimizer { get; }
    public Sgd WeightOptimizer { get; }
    public int IterationsPerEpoch { get; }
    public int TotalIterations { get; }
    /// <summary>Iterations that train the weights alone, before pi moves.</summary>
    public int WarmupIterations { get; }
    public bool InWarmup => Iteration < WarmupIterations;

    /// <summary>Iterations completed.</summary>
    public int Iteration { get; private set; }

    public bool IsFinished => Iteration >= TotalIterations;

    /// <summary>The weight learning rate of an iteration (0-based): cosine-annealed per epoch, as DARTS does.</summary>
    public double LearningRateAt(int iteration) => _schedule.LearningRate(iteration / IterationsPerEpoch);

    /// <summary>A fresh generator for the candidates random search scores at the end: the same for every call, resume and worker count.</summary>
    public Rng CandidateRng() => new(_candidateSeed);

    /// <summary>The checkpoint's architecture logits are pi's theta, or DARTS' alpha, with the Adam that steps them.</summary>
    public SearchProgress Progress() => new(
        Iteration, (double[])(Alpha?.Logits ?? Prior.Logits).Clone(), (_alphaOptimizer ?? PriorOptimizer).ExportState(), WeightOptimizer.StepCount,
        _architectureRng.State, TrainBatches.State, ValidationBatches.State, Cost?.Target is null ? null : Cost.Multiplier,
        _commitment?.Omegas, _commitment?.Committed);

    public void SaveCheckpoint(string path) => SearchCheckpoint.Save(path, Network.Parameters, WeightOptimizer.ExportState(), Progress());

    /// <summary>The checkpoint's finiteness check without its file (the ranks of a distributed search that do not write).</summary>
    public void CheckCheckpointState(string path) => SearchCheckpoint.CheckedTensors(path, Network.Parameters, WeightOptimizer.ExportState(), Progress());

    /// <summary>Puts the session in the state a checkpoint recorded.</summary>
    public void Restore(string checkpointPath)
    {
        var (progress, weightOptimizer) = SearchCheckpoint.Load(checkpointPath, Network.Parameters);
        if (Alpha is not null)
        {
            if (progress.PriorLogits.Length != Alpha.Logits.Length)
                throw new BadInputException($"{checkpointPath}: {progress.PriorLogits.Length} architecture logits, DARTS' alpha has {Alpha.Logits.Length}");
            progress.PriorLogits.CopyTo(Alpha.Logits, 0);
            _alphaOptimizer!.ImportState(progress.PriorOptimizer);
        }
        else
        {
            Prior.SetLogits(progress.PriorLogits);
            PriorOptimizer.ImportState(progress.PriorOptimizer);
            _commitment?.Restore(progress.PiOmegas ?? [], progress.CommittedBlocks ?? []);
        }
        WeightOptimizer.ImportState(weightOptimizer);
        _architectureRng.State = progress.ArchitectureRng;
        if (Cost is not null) Cost.Multiplier = progress.CostMultiplier ?? 0;
        TrainBatches.State = progress.TrainBatches;
        ValidationBatches.State = progress.ValidationBatches;
        Iteration = progress.Iteration;
    }

    public void Dispose()
    {
        _workers.Dispose();
        _dartsTape?.Dispose();
        WeightOptimizer.Dispose();
        Network.Dispose();
    }

    /// <summary>The weights' part and pi's part of the training set, by the options' rule (<see cref="SearchOptions.Split"/>).</summary>
    public static (InMemoryDataset Weights, InMemoryDataset Pi) SplitForSearch(InMemoryDataset dataset, SearchOptions options)
    {
        if (options.Split == SubsetRule.First) return dataset.Split(options.TrainFraction);
        if (dataset.Count < 2)
            throw new BadInputException($"dataset '{dataset.Name}' with {dataset.Count} images cannot be split: both parts need images");
        var (first, second) = StratifiedSampling.Split(dataset.AllLabels, dataset.Classes, options.TrainFraction, new Rng(options.SplitSeed));
        if (first.Length == 0 || second.Length == 0)
            throw new BadInputException($"--train-fraction {options.TrainFraction} leaves one part of the {dataset.Count} training images empty");
        return (dataset.Subset(first, $"{dataset.Name}[weights]"), dataset.Subset(second, $"{dataset.Name}[pi]"));
    }

    private static ArchitecturePrior LoadTransferredPrior(string path, TermInputs expected, Space.SearchSpace space)
    {
        var prior = PriorJson.Load(path);
        Space.SearchSpace.RequireSame(space, prior.Space, $"--prior-from {path}");
        if (prior.TermInputs != expected)
            throw new BadInputException($"{path} was learnt with term inputs '{PriorJson.TermInputsName(prior.TermInputs)}', this search uses '{PriorJson.TermInputsName(expected)}'");
        return prior;
    }
}
