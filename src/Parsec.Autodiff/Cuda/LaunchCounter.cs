namespace Parsec.Autodiff.Cuda;

/// <summary>What a backend has put on its stream: kernels of kernels/, and cuDNN and cuBLAS compute calls (each one or more kernels of theirs).</summary>
public readonly record struct LaunchCounts(long Kernels, long LibraryCalls)
{
    public long Total => Kernels + LibraryCalls;
    public static LaunchCounts operator -(LaunchCounts a, LaunchCounts b) => new(a.Kernels - b.Kernels, a.LibraryCalls - b.LibraryCalls);
}

/// <summary>Counts launches, so that benchmarks can report launches per step: on a GPU, small steps are launch-bound.</summary>
internal sealed class LaunchCounter
{
    private long _kernels, _libraryCalls;

    public void CountKernel() => _kernels++;
    public void CountLibraryCall() => _libraryCalls++;
    public LaunchCounts Snapshot => new(_kernels, _libraryCalls);
}
