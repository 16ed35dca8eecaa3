using System.ComponentModel;
using Parsec.Search.Cli.Console;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;

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
}
