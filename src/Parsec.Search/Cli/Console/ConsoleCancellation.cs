using System.Runtime.InteropServices;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// A token that Ctrl+C (SIGINT) and SIGTERM cancel, without killing the process, so that a long run stops at a
/// checkpoint. SIGTERM is what schedulers and `docker stop` send before they kill; treating it as Ctrl+C keeps
/// the work since the last checkpoint.
/// </summary>
internal sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration? _terminate;

    public ConsoleCancellation(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        System.Console.CancelKeyPress += OnCancel;
        try
        {
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                _source.Cancel();
            });
        }
        catch (PlatformNotSupportedException) { /* no SIGTERM here: the process ends as the platform decides */ }
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        System.Console.CancelKeyPress -= OnCancel;
        _terminate?.Dispose();
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        _source.Cancel();
    }
}
