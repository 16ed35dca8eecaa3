using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Whole-buffer reductions: kernels/reduce.cu. Both wait for the stream to return a host value.
public sealed partial class CudaBackend
{
    private const int ReduceThreads = 256;

    /// <summary>Two passes: per-block partial sums in double, then one block adds the partials in a fixed order (deterministic).</summary>
    public double SumOfSquares(Storage x)
    {
        long n = x.Length;
        ulong px = F32(x, nameof(SumOfSquares), "x");
        if (n == 0) return 0;
        int blocks = (int)Math.Clamp((n + ReduceThreads - 1) / ReduceThreads, 1, DeviceScratch.ReductionBlocks);
        ulong partials = _scratch.Partials, result = _scratch.Result;
        Launch(new SumSquaresPartialKernel(px, n, partials), new LaunchShape((uint)blocks, 1, 1, ReduceThreads, 1, 1));
        Launch(new SumPartialsKernel(partials, blocks, result), new LaunchShape(1, 1, 1, ReduceThreads, 1, 1));
        return ReadDouble(result);
    }

    /// <summary>As <see cref="SumOfSquares"/>: per-block partial sums of a[i] * b[i] in double, added in a fixed order.</summary>
    public double Dot(DotArgs args)
    {
        long n = args.A.Length;
        ulong pa = F32(args.A, nameof(Dot), "a"), pb = F32(args.B, nameof(Dot), "b");
        if (n == 0) return 0;
        int blocks = (int)Math.Clamp((n + ReduceThreads - 1) / ReduceThreads, 1, DeviceScratch.ReductionBlocks);
        ulong partials = _scratch.Partials, result = _scratch.Result;
        Launch(new DotPartialKernel(pa, pb, n, partials), new LaunchShape((uint)blocks, 1, 1, ReduceThreads, 1, 1));
        Launch(new SumPartialsKernel(partials, blocks, result), new LaunchShape(1, 1, 1, ReduceThreads, 1, 1));
        return ReadDouble(result);
    }

    public bool AllFinite(Storage x)
    {
        long n = x.Length;
        ulong px = F32(x, nameof(AllFinite), "x");
        if (n == 0) return true;
        ulong flag = _scratch.Flag;
        FillWords(flag, 1, 1);
        Launch(new AllFiniteKernel(px, n, flag), LaunchShape.Linear(n));
        return ReadInt(flag) != 0;
    }
}
