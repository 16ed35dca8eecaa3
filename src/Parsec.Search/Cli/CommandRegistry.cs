using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>The commands of `parsec`. Adding a command is adding its file in Cli/ and one line below.</summary>
internal static class CommandRegistry
{
    public static void Register(IConfigurator config)
    {
        // ---- Registration point: one line per command (name, class, one-line description). ----
        config.AddCommand<DemoCommand>("demo").WithDescription("A short real search on a generated dataset (what `parsec` runs without arguments).");
        config.AddCommand<SearchCommand>("search").WithDescription("Learn a distribution over architectures with PARSEC; writes a run folder.");
        config.AddCommand<DeriveCommand>("derive").WithDescription("The most likely architecture (genotype) of a learnt distribution (pi.json).");
        config.AddCommand<MemoryCommand>("memory").WithDescription("Memory of a training step: one sampled architecture vs the DARTS supernet.");
        config.AddCommand<InfoCommand>("info").WithDescription("Which backend is available and what it runs on.");
        config.AddCommand<BenchCommand>("bench").WithDescription("Time a training step of a sampled DARTS network, next to PyTorch's reference.");
        config.AddCommand<StudyCommand>("study").WithDescription("Does the search beat random genotypes? Search, derive, train it beside random genotypes over seeds, tabulate.");
        config.AddCommand<TrainCommand>("train").WithDescription("Train a genotype from scratch (DARTS evaluation protocol).");
        config.AddCommand<EvaluateCommand>("evaluate").WithDescription("Accuracy of trained weights on a test set.");
        config.AddCommand<ExportCommand>("export").WithDescription("Export trained weights as an ONNX model.");
        config.AddCommand<PredictCommand>("predict").WithDescription("Classify image files with trained weights or an exported ONNX model.");
        config.AddCommand<DataCommand>("data").WithDescription("Check a dataset and print what is in it.");
        config.AddCommand<DownloadCommand>("download").WithDescription("Download CIFAR-10.");
    }
}
