using System.ComponentModel;
using Parsec.Search.Data.Files;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec download cifar10`: fetches the CIFAR-10 binary archive (resuming an interrupted download), checks
/// its MD5 and extracts it. Nothing else needs the network; offline, it says how to place the archive by hand.
/// </summary>
internal sealed class DownloadCommand : AsyncCommand<DownloadCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DATASET>")]
        [Description("The dataset to fetch: cifar10.")]
        public string Dataset { get; init; } = "";

        [CommandOption("--dir <FOLDER>")]
        [Description("Where the archive and the extracted cifar-10-batches-bin/ go.")]
        [DefaultValue("data/cifar10")]
        public string Dir { get; init; } = "data/cifar10";

        [CommandOption("--url <URL>")]
        // The long defaults are given in the description (between backticks): in the DEFAULT column they would leave no room for descriptions.
        [Description("Archive address (a mirror of the official one). Default: `" + Cifar10Download.OfficialUrl + "`.")]
        public string Url { get; init; } = Cifar10Download.OfficialUrl;

        [CommandOption("--md5 <HEX>")]
        [Description("Expected MD5 of the archive. Default: `" + Cifar10Download.OfficialMd5 + "`.")]
        public string Md5 { get; init; } = Cifar10Download.OfficialMd5;

        public override ValidationResult Validate() =>
            DatasetFormats.TryParse(Dataset, out var f) && f == DatasetFormat.Cifar10
                ? ValidationResult.Success()
                : ValidationResult.Error($"only cifar10 can be downloaded, got '{Dataset}'; other datasets are read from folders you provide (see `parsec data`)");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        long lastReported = 0;
        var progress = new Progress<Cifar10Download.Progress>(p =>
        {
            // One line per 10 MB keeps logs readable when the output is not a terminal.
            if (p.Bytes - lastReported < 10 << 20 && p.Bytes != p.Total) return;
            lastReported = p.Bytes;
            AnsiConsole.MarkupLineInterpolated($"  {p.Bytes / 1e6:0.0} MB{(p.Total is long t ? $" of {t / 1e6:0.0} MB" : "")}");
        });
        AnsiConsole.MarkupLineInterpolated($"CIFAR-10 into {settings.Dir} (from {settings.Url}, MD5 {settings.Md5})");
        string folder = await Cifar10Download.InstallAsync(settings.Dir, settings.Url, settings.Md5, progress, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"[green]ready:[/] {folder}; check it with `parsec data {folder}`, train with --dataset cifar10 --data-dir {settings.Dir}");
        return 0;
    }
}
