using Parsec.Search.Distributed;

namespace Parsec.Search.Cli;

/// <summary>
/// A failing rank of an MPI job must not leave the others waiting in a collective forever: it says which rank failed
/// and why on standard error, and aborts the whole job (MPI_Abort), which the launcher ends within seconds.
/// </summary>
internal static class DistributedFailure
{
    public static int AbortOnFailure(MpiWorld? world, Func<int> run)
    {
        if (world is not { Size: > 1 }) return run();
        try { return run(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            System.Console.Error.WriteLine($"parsec: MPI rank {world.Rank} of {world.Size} failed: {e.GetType().Name}: {e.Message}; aborting every rank");
            System.Console.Error.Flush();
            world.Abort(ErrorReport.ExitCodeOf(e));
            throw; // MPI_Abort does not return; should it, the error is reported as usual
        }
    }
}
