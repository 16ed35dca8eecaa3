using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Meta;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

public class SampleWorkersTests
{
    private sealed class Result(int sample) : IDisposable
    {
        public int Sample { get; } = sample;
        public int ManagedThread { get; } = Environment.CurrentManagedThreadId;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    /// <summary>
    /// Results come back by sample index, every sample once, each on a reset tape that the next sample finds empty;
    /// with several workers, samples run at the same time (samples 0 and 1 wait for each other).
    /// </summary>
    [TestCase(1)]
    [TestCase(3)]
    public void ResultsComeBackBySampleIndexOnFreshTapes(int workers)
    {
        using var backend = new CpuBackend();
        using var pool = new SampleWorkers(backend, workers);
        using var deferred = new DeferredUpdates(backend);
        using var firstTwoRunning = new CountdownEvent(2);
        var results = pool.Run(7, (tape, k) =>
        {
            Assert.That(tape.Nodes, Is.Empty);
            Assert.That(tape.Deferred, Is.Null);
            tape.Deferred = deferred;
            using var w = Parameters.Create(backend, "w", [2], DType.Float32);
            tape.Relu(w); // records a node the worker must clear
            if (workers > 1 && k < 2)
            {
                firstTwoRunning.Signal();
                Assert.That(firstTwoRunning.Wait(TimeSpan.FromSeconds(30)), Is.True, "samples 0 and 1 run at once");
            }
            Thread.Sleep(k % 3); // finish out of order
            w.Grad!.Dispose();
            return new Result(k);
        });
        Assert.That(results.Select(r => r.Sample), Is.EqualTo(Enumerable.Range(0, 7)));
        if (workers > 1) Assert.That(results[0].ManagedThread, Is.Not.EqualTo(results[1].ManagedThread));
    }

    /// <summary>
    /// When samples fail, the failure of the lowest index is the one reported (a sequential pass meets it first), and
    /// the results already made are disposed.
    /// </summary>
    [Test]
    public void TheLowestFailingSampleIsReportedAndFinishedResultsAreDisposed()
    {
        using var backend = new CpuBackend();
        using var pool = new SampleWorkers(backend, 2);
        var made = new System.Collections.Concurrent.ConcurrentBag<Result>();
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(6, (_, k) =>
        {
            if (k == 1) Thread.Sleep(50); // fails after sample 2 does
            if (k is 1 or 2) throw new InvalidOperationException($"sample {k}");
            var r = new Result(k);
            made.Add(r);
            return r;
        }))!;
        Assert.That(error.Message, Is.EqualTo("sample 1"));
        Assert.That(made, Is.Not.Empty);
        Assert.That(made.All(r => r.Disposed), Is.True);
    }

    /// <summary>
    /// Two pools taking from one ticket source, as two MPI ranks on one machine do: every sample runs exactly once, each
    /// pool's results sit at their sample indices with nulls for the other's, and a pool whose samples take longer
    /// takes fewer of them.
    /// </summary>
    [Test]
    public void PoolsSharingTicketsRunEverySampleOnceAndTheSlowerTakesFewer()
    {
        using var backend = new CpuBackend();
        using var fast = new SampleWorkers(backend, 1);
        using var slow = new SampleWorkers(backend, 1);
        int next = -1;
        int Take() => Interlocked.Increment(ref next);
        Result?[] fastResults = [], slowResults = [];
        var slowPool = Task.Run(() => slowResults = slow.RunTaking(40, (_, k) => { Thread.Sleep(20); return new Result(k); }, Take));
        fastResults = fast.RunTaking(40, (_, k) => { Thread.Sleep(1); return new Result(k); }, Take);
        slowPool.Wait();
        for (int k = 0; k < 40; k++)
        {
            Assert.That(fastResults[k] is null, Is.Not.EqualTo(slowResults[k] is null), $"sample {k} runs in exactly one pool");
            Assert.That((fastResults[k] ?? slowResults[k])!.Sample, Is.EqualTo(k));
        }
        Assert.That(fastResults.Count(r => r is not null), Is.GreaterThan(slowResults.Count(r => r is not null)));
    }

    [Test]
    public void SeveralWorkersNeedABackendThatRunsConcurrentTapes()
    {
        using var meta = new MetaBackend();
        Assert.Throws<ArgumentException>(() => new SampleWorkers(meta, 2).Dispose());
        using var one = new SampleWorkers(meta, 1);
        Assert.That(one.Count, Is.EqualTo(1));
    }
}
