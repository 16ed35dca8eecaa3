using Parsec.Search.Reports.Html;
using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Model;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Training;

/// <summary>The outcome of a finished evaluation training.</summary>
public sealed record EvaluationResult(int Epochs, double TestLoss, double TestAccuracy, PipelineWaitStats Pipeline, string WeightsPath);

/// <summary>
/// Trains one genotype from scratch in a run folder (the DARTS evaluation protocol, see
/// <see cref="EvaluationOptions"/>), writing per-epoch metrics, an atomic checkpoint after every epoch and
/// the final weights. Every random choice (initial weights, batch order, augmentation, drop-path masks)
/// comes from generators derived from the seed and saved in the checkpoint, so a resumed run continues
/// exactly where the interrupted one stopped.
/// </summary>
public sealed class EvaluationRun : IDisposable
{
    public const string MetricsFileName = MetricsFile.FileName;
    public const string GenotypeFileName = "genotype.json";
    public const string ResultFileName = "result.json";
    /// <summary>Written when the training diverged: what happened and which checkpoint was kept.</summary>
    public const string NanReportFileName = "nan_report.txt";

    private readonly Network _network;
    private readonly Sgd _optimizer;
    private readonly CosineSchedule _schedule;
    private readonly Tape _tape;
    private readonly BatchLoader _train;
    private readonly BatchLoader _test;
    private readonly Rng _dropPathRng;
    private readonly TrainingRecord _record;
    private RunLock? _runLock;

    private EvaluationRun(IBackend backend, string folder, TrainingRecord record, DatasetSplits data, Rng initRng, Rng loaderRng, Rng dropPathRng)
    {
        Folder = folder;
        _record = record;
        var options = record.Options;
        if (!data.Train.ImageShape.AsSpan().SequenceEqual(record.ImageShape) || data.Classes != record.Classes)
            throw new BadInputException(
                $"{data.Source}: images {string.Join("x", data.Train.ImageShape)} with {data.Classes} classes, but the run was set up for {string.Join("x", record.ImageShape)} with {record.Classes}");
        Genotype = record.Genotype(Path.Combine(folder, EvaluationCheckpoint.CheckpointFileName));
        _network = Network.CreateFixed(backend, options.Network(data.Channels, data.Classes), Genotype, initRng);
        _optimizer = new Sgd(_network.Parameters.Weights, options.Momentum, options.WeightDecay);
        _schedule = new CosineSchedule(options.LearningRate, options.Epochs, options.MinLearningRate);
        _tape = new Tape(backend);
        _dropPathRng = dropPathRng;
        var normalization = record.Normalization;
        _train = new BatchLoader(data.Train, normalization,
            BatchLoaderOptions.Training(options.BatchSize, options.Augmentation) with { Prefetch = options.Prefetch, Workers = options.LoaderWorkers }, loaderRng);
        _test = new BatchLoader(data.Test, normalization,
            BatchLoaderOptions.Evaluation(options.BatchSize) with { Prefetch = options.Prefetch, Workers = options.LoaderWorkers }, new Rng(0));
        EpochsCompleted = record.EpochsCompleted;
    }

    public string Folder { get; }
    public Genotype Genotype { get; }
    public EvaluationOptions Options => _record.Options;
    public Network Network => _network;
    public int EpochsCompleted { get; private set; }
    public PipelineWaitStats PipelineStats => _train.TotalStats;

    /// <summary>Weights counted as DARTS counts its "param size": the auxiliary head left out.</summary>
    public long ParameterCountWithoutAuxiliary =>
        _network.Parameters.Weights.Where(w => !w.Name!.StartsWith("auxiliary_head.", StringComparison.Ordinal)).Sum(w => w.Length);

    /// <summary>Everything checkable before a run folder is touched: the options, the genotype, and that the network fits the images.</summary>
    public static void Validate(Genotype genotype, EvaluationOptions options, DatasetSplits data)
    {
        options.Validate();
        genotype.Validate();
        if (options.Auxiliary) AuxiliaryHead.RequireFits(data.Height, data.Width);
    }

    /// <summary>A new run in <paramref name="folder"/> (which must not hold a run yet); the folder stays locked (<see cref="RunLock"/>) until the run is disposed.</summary>
    public static EvaluationRun Start(IBackend backend, string folder, Genotype genotype, EvaluationOptions options, DatasetSpec spec, DatasetSplits data)
    {
        Validate(genotype, options, data);
        options = options.WithDatasetDefaults(spec.Name, data.Height);
        Directory.CreateDirectory(folder);
        return RunLock.AcquireFor(folder, runLock => Start(backend, folder, genotype, options, spec, data, runLock));
    }

    private static EvaluationRun Start(IBackend backend, string folder, Genotype genotype, EvaluationOptions options, DatasetSpec spec, DatasetSplits data, RunLock runLock)
    {
        if (File.Exists(Path.Combine(folder, EvaluationCheckpoint.CheckpointFileName)))
            throw new BadInputException($"--out: {folder} already holds a training run; resume it with --resume {folder} or choose another --out folder");
        var normalization = DatasetStatistics.Compute(data.Train).ToNormalization();
        var record = new TrainingRecord
        {
            GenotypeJson = genotype.ToJson(),
            Options = options,
            Dataset = spec,
            NormalizationMean = normalization.Mean,
            NormalizationStd = normalization.Std,
            ImageShape = data.Train.ImageShape,
            ClassNames = data.Train.ClassNames.ToArray(),
            Backend = backend.Name,
            Precision = backend.Precision.ToString().ToLowerInvariant(),
        };
        var seed = new Rng(options.Seed);
        var run = new EvaluationRun(backend, folder, record, data, seed.Fork(), seed.Fork(), seed.Fork()) { _runLock = runLock };
        AtomicFile.WriteAllText(Path.Combine(folder, GenotypeFileName), genotype.ToJson());
        File.WriteAllText(Path.Combine(folder, MetricsFileName), "");
        run.PrepareEpoch(0);
        return run;
    }

    /// <summary>The backend a run in <paramref name="folder"/> was started on and its precision, each null when its checkpoint does not say (or there is none yet).</summary>
    public static (string? Name, Precision? Precision) SavedBackend(string folder)
    {
        string path = Path.Combine(folder, EvaluationCheckpoint.CheckpointFileName);
        if (!File.Exists(path)) return (null, null);
        var record = EvaluationCheckpoint.Load(path).Record;
        return (record.Backend, record.Precision is { } text ? Loop.OptionsFile.ParsePrecision(text, path) : null);
    }

    /// <summary>Continues the run in <paramref name="folder"/> from its last checkpoint. <paramref name="data"/> defaults to the dataset the run recorded.</summary>
    public static EvaluationRun Resume(IBackend backend, string folder, DatasetSplits? data = null)
    {
        if (!Directory.Exists(folder))
            throw new BadInputException($"--resume: run folder not found: {folder}");
        return RunLock.AcquireFor(folder, runLock => Resume(backend, folder, data, runLock));
    }

    private static EvaluationRun Resume(IBackend backend, string folder, DatasetSplits? data, RunLock runLock)
    {
        string path = Path.Combine(folder, EvaluationCheckpoint.CheckpointFileName);
        if (!File.Exists(path)) throw new BadInputException($"--resume: {folder} holds no {EvaluationCheckpoint.CheckpointFileName}");
        var (content, record) = EvaluationCheckpoint.Load(path);
        if (record.LoaderRng is null || record.DropPathRng is null)
            throw new BadInputException($"{path}: a weights file, not a checkpoint (it has no generator states to resume from)");
        data ??= DatasetSplitsLoader.Load(record.Dataset);
        var run = new EvaluationRun(backend, folder, record, data, new Rng(record.Options.Seed), new Rng(0), new Rng(0)) { _runLock = runLock };
        try
        {
            EvaluationCheckpoint.Apply(content, record, path, run._network, run._optimizer);
            run._train.RngState = record.LoaderRng;
            run._dropPathRng.State = record.DropPathRng;
        }
        catch
        {
            run._runLock = null; // released by the caller
            run.Dispose();
            throw;
        }
        JsonLinesLog.TruncateAfter(Path.Combine(folder, MetricsFileName), MetricsFile.Epoch, record.EpochsCompleted);
        run.PrepareEpoch(run.EpochsCompleted);
        return run;
    }

    /// <summary>Trains the remaining epochs; after the last one evaluates the test set and writes the final weights.</summary>
    public EvaluationResult Train(Action<EpochMetrics>? onEpoch = null, CancellationToken cancel = default)
    {
        ClassificationTally? lastTest = null;
        while (EpochsCompleted < Options.Epochs)
        {
            EpochMetrics metrics;
            ClassificationTally? test;
            try { metrics = RunEpoch(EpochsCompleted, out test, cancel); }
            catch (TrainingDivergedException e)
            {
                // As a search does: the report stays in the run folder, beside the last finite checkpoint it names.
                AtomicFile.WriteAllText(Path.Combine(Folder, NanReportFileName), e.Message + Environment.NewLine);
                RefreshViews();
                throw;
            }
            lastTest = test ?? lastTest;
            metrics.AppendTo(Path.Combine(Folder, MetricsFileName));
            EpochsCompleted++;
            EvaluationCheckpoint.Save(Path.Combine(Folder, EvaluationCheckpoint.CheckpointFileName), _network, _optimizer, Snapshot());
            RefreshViews();
            onEpoch?.Invoke(metrics);
        }
        // A run resumed after its last epoch has no fresh test pass in memory: make one.
        lastTest ??= ModelEvaluator.Evaluate(_network, _tape, _test, 5, cancel);
        string weights = Path.Combine(Folder, EvaluationCheckpoint.WeightsFileName);
        EvaluationCheckpoint.Save(weights, _network, null, Snapshot() with { LoaderRng = null, DropPathRng = null });
        var result = new EvaluationResult(EpochsCompleted, lastTest.MeanLoss, lastTest.Top1Accuracy, PipelineStats, weights);
        AtomicFile.WriteAllText(Path.Combine(Folder, ResultFileName), ResultJson(result));
        RefreshViews();
        return result;
    }

    /// <summary>metrics.csv, curves.png, cells.png and report.html, remade after each epoch (see <see cref="RunViews"/>); what was drawn or why not.</summary>
    public string RefreshViews() => RunViews.RefreshTraining(Folder, Options.Epochs, _record.SettingsJson());

    private EpochMetrics RunEpoch(int epoch, out ClassificationTally? test, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        double lr = _schedule.LearningRate(epoch);
        _network.DropPathProbability = Options.DropPathAt(epoch);
        var tally = new ClassificationTally(_network.Options.Classes, 1);
        var mode = new ForwardMode(NormMode.Training, _dropPathRng);
        using (var stream = _train.StartEpoch())
        {
            while (stream.TryNext(out var batch))
            {
                cancel.ThrowIfCancellationRequested();
                using (batch) Step(batch, mode, lr, tally, epoch);
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            PrepareEpoch(epoch + 1);
            bool testNow = (epoch + 1) % Options.TestEvery == 0 || epoch + 1 == Options.Epochs;
            test = testNow ? ModelEvaluator.Evaluate(_network, _tape, _test, 5, cancel) : null;
            return new EpochMetrics(epoch + 1, lr, _network.DropPathProbability, tally.MeanLoss, tally.Top1Accuracy,
                test?.MeanLoss, test?.Top1Accuracy, clock.Elapsed.TotalSeconds, trainSeconds,
                stream.Stats.TotalWaitMilliseconds, stream.Stats.Waits);
        }
    }

    /// <summary>One SGD step: forward with drop path, loss (plus the weighted auxiliary loss), backward, clip, update.</summary>
    private void Step(Batch batch, ForwardMode mode, double lr, ClassificationTally tally, int epoch)
    {
        var backend = _tape.Backend;
        var images = batch.ImagesTensor(backend, _network.Options.DType);
        var labels = batch.LabelsTensor(backend);
        try
        {
            _optimizer.ZeroGrad();
            var output = _network.Forward(_tape, images, mode);
            _tape.Keep(output.Logits); // read after backward for the training accuracy
            var ce = _tape.SoftmaxCrossEntropy(output.Logits, labels);
            double loss = -ce.LogLikelihoods.Average();
            if (!double.IsFinite(loss))
                throw new TrainingDivergedException($"training diverged: the loss of batch {batch.Index} in epoch {epoch + 1} is {loss}; " +
                    (epoch > 0 ? $"the checkpoint of epoch {epoch} is kept" : "no checkpoint had been written") + " (start again with a lower --lr)");
            var total = ce.Loss;
            if (output.AuxiliaryLogits is { } aux && Options.AuxiliaryWeight > 0)
                total = _tape.Add(total, _tape.Scale(_tape.SoftmaxCrossEntropy(aux, labels).Loss, Options.AuxiliaryWeight));
            _tape.Backward(total);
            GradientClipping.ClipByGlobalNorm(_optimizer.Parameters, Options.GradientClip);
            _optimizer.Step(lr);
            tally.Add(output.Logits.ToFloatArray(), batch.Labels, loss);
        }
        finally
        {
            images.Dispose();
            labels.Dispose();
            _tape.Reset();
        }
    }

    /// <summary>
    /// Has epoch <paramref name="epoch"/>'s first batches made while other work runs (the test pass, the caller's
    /// printing), so that the training step does not wait for them either.
    /// </summary>
    private void PrepareEpoch(int epoch)
    {
        if (epoch < Options.Epochs) _train.PrepareNextEpoch();
    }

    private TrainingRecord Snapshot() => _record with
    {
        EpochsCompleted = EpochsCompleted,
        LoaderRng = _train.RngState,
        DropPathRng = _dropPathRng.State,
        OptimizerStep = _optimizer.StepCount,
    };

    private string ResultJson(EvaluationResult r) => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["genotype"] = System.Text.Json.JsonDocument.Parse(Genotype.ToJson()).RootElement,
        ["epochs"] = r.Epochs,
        [MetricsFile.TestLoss] = r.TestLoss,
        [MetricsFile.TestAcc] = r.TestAccuracy,
        ["parameters"] = _network.Parameters.WeightElementCount,
        ["parameters_without_auxiliary"] = ParameterCountWithoutAuxiliary,
        ["pipeline_batches"] = r.Pipeline.Batches,
        ["pipeline_waits"] = r.Pipeline.Waits,
        ["pipeline_wait_ms"] = r.Pipeline.WaitTime.TotalMilliseconds,
        ["pipeline_first_batch_wait_ms"] = r.Pipeline.FirstBatchWaitTime.TotalMilliseconds,
    }, new System.Text.Json.JsonSerializerOptions
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    public void Dispose()
    {
        _train.Dispose();
        _test.Dispose();
        _tape.Dispose();
        _optimizer.Dispose();
        _network.Dispose();
        _runLock?.Dispose();
    }
}
