using System.ComponentModel;
using System.Runtime.InteropServices;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec info`: the runtime, the backend a command would use and why, and the GPU and CUDA libraries when there is one.</summary>
public sealed class InfoCommand : Command<InfoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--backend <auto|cpu|cuda>")]
        [DefaultValue(BackendChoice.Auto)]
        public BackendChoice Backend { get; init; } = BackendChoice.Auto;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLineInterpolated($"parsec {ParsecVersionInfo.Current}, runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}), {Environment.ProcessorCount} logical CPUs");
        using var backend = Backends.Create(settings.Backend, out string why);
        AnsiConsole.MarkupLineInterpolated($"backend: [bold]{backend.Name}[/] ({why})");
        if (backend is CudaBackend cuda) AnsiConsole.WriteLine(cuda.Info().ToString());
        // With --backend auto the reason above already says what is missing for CUDA.
        else if (settings.Backend == BackendChoice.Cpu)
            AnsiConsole.WriteLine(CudaAvailability.LibrariesLoad(out string whyNot) ? "CUDA libraries: all load (use --backend cuda to see the device)" : whyNot);
        return CliApp.Success;
    }
}
