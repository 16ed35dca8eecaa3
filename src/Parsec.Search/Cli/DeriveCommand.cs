using System.ComponentModel;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec derive pi.json`: the most likely genotype of a learnt distribution, with each choice's probability.</summary>
public sealed class DeriveCommand : Command<DeriveCommand.Settings>
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
        var architecture = prior.MostLikely();
        AnsiConsole.MarkupLineInterpolated($"{path}: term inputs {PriorJson.TermInputsName(prior.TermInputs)}, entropy {prior.Entropy():0.000} nats (uniform {prior.UniformEntropy():0.000})");
        foreach (var type in CellTypes.All)
        {
            var table = new Table().Title(type.JsonName()).AddColumns("node", "term", "input", "p(input)", "operation", "p(operation)");
            var terms = architecture.Of(type);
            for (int k = 0; k < CellLayout.Terms; k++)
                table.AddRow(CellLayout.NodeOfTerm(k).ToString(), (k % CellLayout.TermsPerNode).ToString(), terms[k].Input.ToString(),
                    prior.InputProbabilities(type, k)[terms[k].Input].ToString("0.000"), terms[k].OpName,
                    prior.OpProbabilities(type, k)[terms[k].Op].ToString("0.000"));
            AnsiConsole.Write(table);
        }
        string json = architecture.ToGenotype().ToJson();
        if (settings.Out is null) AnsiConsole.WriteLine(json);
        else
        {
            Reports.AtomicFile.WriteAllText(settings.Out, json);
            AnsiConsole.MarkupLineInterpolated($"wrote {settings.Out}");
        }
        return CliApp.Success;
    }
}
