using System.Runtime.ExceptionServices;
using Parsec.Autodiff;

namespace Parsec.Search.Loop;

/// <summary>
/// N workers that run the samples of one pass, each with a tape of its own (threads on the CPU backend). A worker
/// takes the lowest sample index not yet taken until none is left, and each result is stored at its sample's
/// index, so a pass returns the same array whichever worker ran which sample. Worker 0 is the calling thread,
/// the others are threads started for the pass: with one worker everything runs inline, through the same code.
/// The tapes are kept from pass to pass (their node lists keep their capacity).
/// </summary>
internal sealed class SampleWorkers : IDisposable
{
    private readonly Tape[] _tapes;

    public SampleWorkers(IBackend backend, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one worker");
        if (count > 1 && !backend.SupportsConcurrentTapes)
            throw new ArgumentException($"the {backend.Name} backend runs one sample at a time; {count} workers were asked for");
        _tapes = Enumerable.Range(0, count).Select(_ => new Tape(backend)).ToArray();
    }

    public int Count => _tapes.Length;

    /// <summary>
    /// Runs <paramref name="run"/>(tape, k) for every k in [0, <paramref name="samples"/>) and returns the results by k.
    /// Each call gets a reset tape; after it the tape is reset and its <see cref="Tape.Deferred"/> cleared. When samples
    /// fail, no new sample starts, those running finish, every result made is disposed, and the failure of the lowest
    /// sample index is rethrown: the one a sequential pass would have met first, whatever the number of workers.
    /// </summary>
    public T[] Run<T>(int samples, Func<Tape, int, T> run) where T : class, IDisposable
    {
        int next = -1;
        return RunTaking(samples, run, () => Interlocked.Increment(ref next))!;
    }

    /// <summary>
    /// As <see cref="Run"/>, but the workers take sample indices from <paramref name="take"/>, which other processes may
    /// draw from too (<see cref="Distributed.NodeTickets"/>): the result holds this process's samples at their indices
    /// and null where another process took the sample. A worker stops at the first index past the pass.
    /// </summary>
    public T?[] RunTaking<T>(int samples, Func<Tape, int, T> run, Func<int> take) where T : class, IDisposable
    {
        var results = new T?[samples];
        var failures = new Exception?[samples];
        int failed = 0;

        void Work(Tape tape)
        {
            while (Volatile.Read(ref failed) == 0)
            {
                int k = take();
                if (k >= samples) return;
                try { results[k] = run(tape, k); }
                catch (Exception e)
                {
                    failures[k] = e;
                    Volatile.Write(ref failed, 1);
                }
                finally
                {
                    tape.Reset();
                    tape.Deferred = null;
                }
            }
        }

        int active = Math.Min(_tapes.Length, samples);
        // Dedicated threads: a sample runs for milliseconds to seconds, and kernels' own parallel loops use the thread pool.
        var helpers = Enumerable.Range(1, Math.Max(0, active - 1))
            .Select(w => Task.Factory.StartNew(() => Work(_tapes[w]), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        Work(_tapes[0]);
        Task.WaitAll(helpers); // Work catches everything, so this only waits

        if (Array.FindIndex(failures, f => f is not null) is var first and >= 0)
        {
            foreach (var r in results) r?.Dispose();
            ExceptionDispatchInfo.Capture(failures[first]!).Throw();
        }
        return results;
    }

    public void Dispose()
    {
        foreach (var tape in _tapes) tape.Dispose();
    }
}
