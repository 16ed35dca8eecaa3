using Parsec.Autodiff;
using Parsec.Search.Distributed;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

internal sealed partial class SearchSession
{
    /// <summary>The MPI job this search is spread over; null in a single process.</summary>
    public MpiWorld? World { get; init; }

    /// <summary>
    /// Runs the <paramref name="count"/> samples of a pass. In one process: on the workers. Over MPI ranks on one
    /// machine, the ranks' workers take the samples from shared ticket counters (<see cref="NodeTickets"/>), so a rank
    /// slowed by its core's other work runs fewer of them; over several machines (and with --all-reduce) rank r runs
    /// k = r, r + n, r + 2n, ....
    /// Every rank then sends what its samples produced (index, log-likelihood, accuracy, gradients, batch statistics) to
    /// every other (one all-gather), and each rank rebuilds all K results in sample order. Which rank ran a sample does
    /// not change its bits, so the reduction that follows is the single process's, bit for bit, whatever n is.
    /// </summary>
    private SampleRun[] RunSamples(int count, Func<Tape, int, SampleRun> run)
    {
        if (World is not { Size: > 1 } world) return _workers.Run(count, run);
        (int Index, SampleRun Run)[] local = [];
        Exception? failure = null;
        try { local = RunMine(world, count, run); }
        catch (Exception e) { failure = e; }
        var blobs = world.AllGather(failure is null ? SampleCodec.Encode(local, Network.Parameters, Backend, gradients: !Options.AllReduce) : SampleCodec.EncodeFailure(failure, world.Rank));
        // Every rank learns of any rank's failure from the same bytes and stops the same way.
        if (SampleCodec.FirstFailure(blobs) is { } failed)
        {
            foreach (var s in local) s.Run.Dispose();
            throw failed;
        }
        var all = new SampleRun?[count];
        for (int r = 0; r < world.Size; r++)
            foreach (var (k, sample) in r == world.Rank ? local : SampleCodec.Decode(blobs[r], Network.Parameters, Backend))
            {
                if (k < 0 || k >= count || all[k] is not null) throw new InvalidDataException($"rank {r} sent sample {k} of a pass of {count}, which is out of range or sent twice");
                all[k] = sample;
            }
        if (Array.IndexOf(all, null) is var missing and >= 0) throw new InvalidDataException($"no rank ran sample {missing} of a pass of {count}");
        return all!;
    }

    /// <summary>
    /// This rank's share of a pass's samples, each with its index: taken from the shared tickets on one machine, by rank
    /// otherwise. With --all-reduce the split is always by rank: there each rank adds its own samples' gradients before
    /// MPI adds the ranks' sums, so the rounding depends on which rank ran which sample, and a fixed split keeps a
    /// search repeatable on the same number of ranks.
    /// </summary>
    private (int Index, SampleRun Run)[] RunMine(MpiWorld world, int count, Func<Tape, int, SampleRun> run)
    {
        if (world.Tickets is { } tickets && !Options.AllReduce)
        {
            var taken = _workers.RunTaking(count, run, tickets.BeginPass());
            return Enumerable.Range(0, count).Where(k => taken[k] is not null).Select(k => (k, taken[k]!)).ToArray();
        }
        var mine = Enumerable.Range(0, count).Where(k => k % world.Size == world.Rank).ToArray();
        var results = _workers.Run(mine.Length, (tape, j) => run(tape, mine[j]));
        return mine.Select((k, j) => (k, results[j])).ToArray();
    }

    /// <summary>
    /// With --all-reduce over MPI ranks, each rank's weight gradients hold the weighted sum over its own samples only
    /// (the others' arrived without gradients): one MPI_Allreduce of the whole bank makes them the sum over all
    /// samples on every rank. Nothing to do in one process or without --all-reduce.
    /// </summary>
    private void AllReduceWeightGradients()
    {
        if (World is not { Size: > 1 } world || !Options.AllReduce) return;
        var weights = Network.Parameters.Weights;
        var gradients = weights.Select(w => w.Grad?.Storage ?? throw new InvalidOperationException($"{w.Name} has no gradient buffer")).ToList();
        var flat = new float[gradients.Sum(g => g.Length)];
        Backend.CopyOutAll(gradients, flat);
        var sum = world.AllReduceSum(flat);
        int offset = 0;
        foreach (var g in gradients)
        {
            Backend.CopyIn(g, sum.AsSpan(offset, (int)g.Length));
            offset += (int)g.Length;
        }
    }
}
