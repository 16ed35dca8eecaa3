using System.ComponentModel;
using System.Runtime.InteropServices;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Parsec.Search.Cli.Console;
using Parsec.Search.Flags;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec info`: the runtime, the backend a command would use and why, and the GPU and CUDA libraries when there is one.</summary>
internal sealed partial class InfoCommand : Command<InfoCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    public sealed partial class Settings : CommandSettings
    {
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLineInterpolated($"parsec {ParsecVersionInfo.Current}, runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}), {Environment.ProcessorCount} logical CPUs");
        using var backend = Backends.Create(settings.Backend, settings.Precision, out string why);
        AnsiConsole.MarkupLineInterpolated($"backend: [bold]{backend.Name}[/] ({why}), precision {BackendSelection.PrecisionText(backend, settings.Precision)}");
        if (backend is CudaBackend cuda) AnsiConsole.WriteLine(cuda.Info().ToString());
        // With --backend auto the reason above already says what is missing for CUDA.
        else if (settings.Backend == BackendChoice.Cpu)
            AnsiConsole.WriteLine(CudaAvailability.LibrariesLoad(out string whyNot) ? "CUDA libraries: all load (use --backend cuda to see the device)" : whyNot);
        AnsiConsole.WriteLine(Distributed.MpiWorld.Describe());
        return CliApp.Success;
    }
}
