using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Multi-tensor ops (kernels/multi_tensor.cu): a weight bank of hundreds of small tensors in ceil(count / 32)
// launches per op instead of one each; the sum of squares and the finiteness check wait once for the whole list.
public sealed partial class CudaBackend
{
    private const int MultiTensorThreads = 256;

    public void FillMany(FillManyArgs a)
    {
        foreach (var (slots, blocks) in Pack(a.Targets, nameof(FillMany)))
            Launch(new FillManyKernel(slots, (float)a.Value), MultiTensorShape(blocks));
    }

    public void ScaleMany(ScaleManyArgs a)
    {
        foreach (var (slots, blocks) in Pack(a.Targets, nameof(ScaleMany)))
            Launch(new ScaleManyKernel(slots, (float)a.Factor), MultiTensorShape(blocks));
    }

    /// <summary>
    /// Per launch: per-block partial sums, then one block adds them into that launch's result word; finally one
    /// block adds the launch results. Every sum runs in a fixed order, so the total is deterministic.
    /// </summary>
    public double SumOfSquaresMany(SumOfSquaresManyArgs a)
    {
        var launches = Pack(a.Sources, nameof(SumOfSquaresMany));
        double total = 0;
        // The scratch holds ReductionBlocks launch results; longer lists are added in segments, in order, on the host.
        for (int start = 0; start < launches.Count; start += DeviceScratch.ReductionBlocks)
        {
            int count = Math.Min(DeviceScratch.ReductionBlocks, launches.Count - start);
            for (int i = 0; i < count; i++)
            {
                var (slots, blocks) = launches[start + i];
                Launch(new SumSquaresManyKernel(slots, _scratch.Partials), MultiTensorShape(blocks));
                Launch(new SumPartialsKernel(_scratch.Partials, blocks, _scratch.LaunchResults + (ulong)(i * sizeof(double))), new LaunchShape(1, 1, 1, ReduceThreads, 1, 1));
            }
            Launch(new SumPartialsKernel(_scratch.LaunchResults, count, _scratch.Result), new LaunchShape(1, 1, 1, ReduceThreads, 1, 1));
            total += ReadDouble(_scratch.Result);
        }
        return total;
    }

    public bool AllFiniteMany(AllFiniteManyArgs a)
    {
        var launches = Pack(a.Sources, nameof(AllFiniteMany));
        if (launches.Count == 0) return true;
        ulong flag = _scratch.Flag;
        FillWords(flag, 1, 1);
        foreach (var (slots, blocks) in launches) Launch(new AllFiniteManyKernel(slots, flag), MultiTensorShape(blocks));
        return ReadInt(flag) != 0;
    }

    private List<(TensorSlots Slots, int Blocks)> Pack(TensorList list, string op) =>
        TensorSlots.Pack(list.Storages.Select(s => (F32(s, op, "storage"), s.Length)).ToList());

    private static LaunchShape MultiTensorShape(int blocks) => new((uint)blocks, 1, 1, MultiTensorThreads, 1, 1);
}
