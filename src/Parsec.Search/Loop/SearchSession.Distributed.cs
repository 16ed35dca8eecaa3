using Parsec.Autodiff;
using Parsec.Search.Distributed;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

internal sealed partial class SearchSession
{
    /// <summary>The MPI job this search is spread over; null in a single process.</summary>
    public MpiWorld? World { get; init; }

    /// <summary>
    /// Runs the <paramref name="count"/> samples of a pass. In one process: on the workers. Over MPI ranks: rank r runs
    /// the samples k = r, r + n, r + 2n, ... on its workers, every rank sends what its samples produced (log-likelihood,
    /// accuracy, gradients, batch statistics) to every other (one all-gather), and each rank rebuilds all K results in
    /// sample order. The reduction that follows is then the single process's, bit for bit, whatever n is.
    /// </summary>
    private SampleRun[] RunSamples(int count, Func<Tape, int, SampleRun> run)
    {
        if (World is not { Size: > 1 } world) return _workers.Run(count, run);
        var mine = Enumerable.Range(0, count).Where(k => k % world.Size == world.Rank).ToArray();
        SampleRun[] local = [];
        Exception? failure = null;
        try { local = _workers.Run(mine.Length, (tape, j) => run(tape, mine[j])); }
        catch (Exception e) { failure = e; }
        var blobs = world.AllGather(failure is null ? SampleCodec.Encode(local, Network.Parameters, gradients: !Options.AllReduce) : SampleCodec.EncodeFailure(failure, world.Rank));
        // Every rank learns of any rank's failure from the same bytes and stops the same way.
        if (SampleCodec.FirstFailure(blobs) is { } failed)
        {
            foreach (var s in local) s.Dispose();
            throw failed;
        }
        var all = new SampleRun[count];
        for (int r = 0; r < world.Size; r++)
        {
            var decoded = r == world.Rank ? local : SampleCodec.Decode(blobs[r], Network.Parameters, Backend);
            for (int j = 0; j < decoded.Length; j++) all[r + j * world.Size] = decoded[j];
        }
        return all;
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
        int offset = 0;
        foreach (var g in gradients)
        {
            Backend.CopyOut(g, flat.AsSpan(offset, (int)g.Length));
            offset += (int)g.Length;
        }
        var sum = world.AllReduceSum(flat);
        offset = 0;
        foreach (var g in gradients)
        {
            Backend.CopyIn(g, sum.AsSpan(offset, (int)g.Length));
            offset += (int)g.Length;
        }
    }
}
