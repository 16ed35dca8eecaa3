using System.ComponentModel;
using Parsec.Search.Cli.Console;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec derive pi.json`: the most likely genotype of a learnt distribution, with each choice's probability,
/// its margin over the runner-up and whether that margin is above the noise (decision_noise.json beside pi.json).
/// </summary>
internal sealed class DeriveCommand : Command<DeriveCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<PI_JSON>")]
        [Description("A pi.json written by a search (or a run folder holding one).")]
        public string Prior { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("Write the genotype JSON here (as `parsec train --genotype` reads it); without it, it is printed.")]
        public string? Out { get; init; }

        [CommandOption("--cost <MEASURE>")]
        [Description("With --cost-target: params, flops or latency (latency needs the run's latency.json). Default: the run's own --cost.")]
        public Cost.CostMeasure? Cost { get; init; }

        [CommandOption("--cost-target <T>")]
        [Description("Derive pi's most likely genotype costing 90-100 % of T, priced for the run's network (give the run folder): one search, a genotype for any budget. Default: the run's own --cost-target, if any.")]
        public double? CostTarget { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string path = Directory.Exists(settings.Prior) ? Path.Combine(settings.Prior, "pi.json") : settings.Prior;
        var prior = PriorJson.Load(path);
        // A run folder's pi.json must be of the space its search ran in.
        if (Directory.Exists(settings.Prior)) SearchSpace.RequireSame(RunSpace.Of(settings.Prior), prior.Space, path);
        var derived = Derivation.Derive(prior, DecisionNoiseFile.LoadBeside(path));
        AnsiConsole.MarkupLineInterpolated($"{path}: search space {prior.Space.ToString()}, term inputs {PriorJson.TermInputsName(prior.TermInputs)}, entropy {prior.Entropy():0.000} nats (uniform {prior.UniformEntropy():0.000})");
        DerivationTable.Print(derived);
        if (Budget(settings) is var (table, target))
        {
            // A cost-aware search's genotype spends its budget: derived again the way the search derived it (or for the budget asked).
            var (fitted, cost) = Cost.BudgetDerivation.Fit(derived.Genotype, prior, table, target);
            derived = derived with { Genotype = fitted };
            AnsiConsole.MarkupLineInterpolated($"{cost.Describe()}");
        }
        AnsiConsole.MarkupLineInterpolated($"genotype: {derived.Genotype}");
        string json = derived.Genotype.ToJson();
        if (settings.Out is null) AnsiConsole.WriteLine(json);
        else
        {
            AtomicFile.WriteAllText(settings.Out, json);
            AnsiConsole.MarkupLineInterpolated($"wrote {settings.Out}");
        }
        return CliApp.Success;
    }

    /// <summary>
    /// The cost table and target to derive under: --cost-target's, priced for the run's network, or else a run's own
    /// --cost-target, priced as the search priced it (latency with its kept latency.json); null when there is neither.
    /// </summary>
    private static (Cost.TermCostTable Table, double Target)? Budget(Settings settings)
    {
        var run = Directory.Exists(settings.Prior) ? new RunFolder(settings.Prior) : null;
        var options = run is not null && File.Exists(run.Options) ? OptionsFile.Read(run.Options) : null;
        if (settings.CostTarget is null)
        {
            if (settings.Cost is not null) throw new BadInputException("--cost needs --cost-target: the budget to derive under");
            return options is { Cost: { } own, CostTarget: double ownTarget } ? (TableOf(options, own, run!), ownTarget) : null;
        }
        if (settings.CostTarget is not (> 0 and < double.PositiveInfinity))
            throw new BadInputException($"--cost-target must be a positive number, got {settings.CostTarget}");
        if (options is null)
            throw new BadInputException($"--cost-target: {settings.Prior} is not a search run folder with options.json; a budget is priced for the run's network, so give the run folder");
        var measure = settings.Cost ?? options.Cost ?? throw new BadInputException($"--cost-target: {settings.Prior} searched without a cost; say which with --cost params, flops or latency");
        return (TableOf(options, measure, run!), settings.CostTarget.Value);
    }

    private static Cost.TermCostTable TableOf(SearchOptions options, Cost.CostMeasure measure, RunFolder run) =>
        Loop.SearchSession.CostTableOf(options, Loop.SearchRunner.LoadDataset(options), measure, _ => Loop.SearchRunner.KeptLatencyTable(run));
}
