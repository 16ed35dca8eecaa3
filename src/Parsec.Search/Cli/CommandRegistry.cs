using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>The commands of `parsec`. Adding a command is adding its file in Cli/ and one line below.</summary>
internal static class CommandRegistry
{
    /// <summary>Every command, in the order `parsec --help` lists them.</summary>
    public static readonly IReadOnlyList<CommandEntry> All =
    [
        // ---- Registration point: one line per command (name, class, one-line description). ----
        CommandEntry.Of<DemoCommand>("demo", "A short real search on a generated dataset (what `parsec` runs without arguments)."),
        CommandEntry.Of<SearchCommand>("search", "Learn a distribution over architectures with PARSEC; writes a run folder."),
        CommandEntry.Of<DeriveCommand>("derive", "The most likely architecture (genotype) of a learnt distribution (pi.json)."),
        CommandEntry.Of<CostCommand>("cost", "Parameters and multiply-adds (FLOPs) of a genotype's network, counted exactly from its code."),
        CommandEntry.Of<MemoryCommand>("memory", "Memory of a training step: one sampled architecture vs the DARTS supernet."),
        CommandEntry.Of<InfoCommand>("info", "Which backend is available and what it runs on."),
        CommandEntry.Of<BenchCommand>("bench", "Time a training step of a sampled DARTS network, next to PyTorch's reference."),
        CommandEntry.Of<StudyCommand>("study", "Does the search beat random genotypes? Search, derive, train it beside random genotypes over seeds, tabulate."),
        CommandEntry.Of<TrainCommand>("train", "Train a genotype from scratch (DARTS evaluation protocol)."),
        CommandEntry.Of<EvaluateCommand>("evaluate", "Accuracy of trained weights on a test set."),
        CommandEntry.Of<ExportCommand>("export", "Export trained weights as an ONNX model."),
        CommandEntry.Of<PredictCommand>("predict", "Classify image files with trained weights or an exported ONNX model."),
        CommandEntry.Of<DataCommand>("data", "Check a dataset and print what is in it."),
        CommandEntry.Of<DownloadCommand>("download", "Download CIFAR-10."),
    ];

    /// <summary>The settings type of the command named <paramref name="name"/>; null when there is no such command.</summary>
    public static Type? SettingsOf(string name) => All.FirstOrDefault(c => c.Name == name)?.Settings;

    public static void Register(IConfigurator config)
    {
        foreach (var command in All) command.AddTo(config);
    }
}

/// <summary>One command: its name, its settings type (whose options --help lists) and how it is added to the app.</summary>
internal sealed record CommandEntry(string Name, Type Settings, Action<IConfigurator> AddTo)
{
    public static CommandEntry Of<TCommand>(string name, string description) where TCommand : class, ICommand
    {
        var settings = typeof(TCommand).BaseType is { IsGenericType: true } command ? command.GetGenericArguments()[0] : typeof(EmptyCommandSettings);
        return new CommandEntry(name, settings, config => config.AddCommand<TCommand>(name).WithDescription(description));
    }
}
