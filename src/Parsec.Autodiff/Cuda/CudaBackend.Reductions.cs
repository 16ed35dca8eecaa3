using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Whole-buffer reductions: kernels/reduce.cu. Both wait for the stream to return a host value.
public sealed partial class CudaBackend
{
    private const string ReduceCu = "reduce.cu";
    private const int ReduceThreads = 256;

    /// <summary>Two passes: per-block partial sums in double, then one block adds the partials in a fixed order (deterministic).</summary>
    public unsafe double SumOfSquares(Storage x)
    {
        long n = x.Length;
        ulong px = F32(x, nameof(SumOfSquares), "x");
        if (n == 0) return 0;
        int blocks = (int)Math.Clamp((n + ReduceThreads - 1) / ReduceThreads, 1, DeviceScratch.ReductionBlocks);
        ulong partials = _scratch.Partials, result = _scratch.Result;
        Launch(ReduceCu, "sum_squares_partial", new LaunchShape((uint)blocks, 1, 1, ReduceThreads, 1, 1),
            [(nint)(&px), (nint)(&n), (nint)(&partials)]);
        Launch(ReduceCu, "sum_partials", new LaunchShape(1, 1, 1, ReduceThreads, 1, 1),
            [(nint)(&partials), (nint)(&blocks), (nint)(&result)]);
        return ReadDouble(result);
    }

    public unsafe bool AllFinite(Storage x)
    {
        long n = x.Length;
        ulong px = F32(x, nameof(AllFinite), "x");
        if (n == 0) return true;
        ulong flag = _scratch.Flag;
        FillWords(flag, 1, 1);
        Launch(ReduceCu, "all_finite", LaunchShape.Linear(n), [(nint)(&px), (nint)(&n), (nint)(&flag)]);
        return ReadInt(flag) != 0;
    }
}
