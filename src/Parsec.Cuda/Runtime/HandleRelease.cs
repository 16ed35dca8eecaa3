using System.Collections.Concurrent;

namespace Parsec.Cuda;

/// <summary>
/// How every wrapper of a native CUDA, cuBLAS or cuDNN object lets go of it. <see cref="Dispose"/> never throws:
/// it often runs in a <c>using</c> or <c>finally</c> while another exception unwinds, and a failed destroy call
/// must not replace that exception, so the failure is recorded here instead. A finalizer only warns that a wrapper
/// was never disposed: native calls on the finalizer thread could race the owning thread or run after the
/// context is gone, so the leaked object is left to the driver, which reclaims it with the context.
/// </summary>
internal static class HandleRelease
{
    private const int Kept = 64;
    private static readonly ConcurrentQueue<string> s_recent = new();
    private static long s_count;

    /// <summary>Where warnings go: standard error unless replaced (tests collect them).</summary>
    public static Action<string> Sink { get; set; } = message => Console.Error.WriteLine(message);

    /// <summary>The latest warnings (at most 64), oldest first.</summary>
    public static IReadOnlyList<string> Recent => s_recent.ToArray();

    /// <summary>Warnings since the process started: failed releases and leaked handles.</summary>
    public static long Count => Interlocked.Read(ref s_count);

    /// <summary>
    /// Runs <paramref name="release"/> (the destroy call and its status check) for <paramref name="owner"/>; a failure
    /// is recorded and reported, never thrown. Also tells the runtime the finalizer has nothing left to check.
    /// </summary>
    public static void Dispose(object owner, string what, Action release)
    {
        try
        {
            release();
        }
        catch (Exception e)
        {
            Warn($"parsec: releasing {what} ({owner.GetType().Name}) failed: {e.Message}");
        }
        finally
        {
            GC.SuppressFinalize(owner);
        }
    }

    /// <summary>Called from a finalizer: warns when the wrapper still held its native object.</summary>
    public static void Finalized(object owner, string what, bool stillHeld)
    {
        if (stillHeld)
            Warn($"parsec: {what} ({owner.GetType().Name}) was never disposed; it stays allocated until its CUDA context is destroyed");
    }

    private static void Warn(string message)
    {
        Interlocked.Increment(ref s_count);
        s_recent.Enqueue(message);
        while (s_recent.Count > Kept && s_recent.TryDequeue(out _)) { }
        try
        {
            Sink(message);
        }
        catch (Exception)
        {
            // A broken sink (closed standard error) must not turn a warning into a crash on the finalizer thread.
        }
    }
}
