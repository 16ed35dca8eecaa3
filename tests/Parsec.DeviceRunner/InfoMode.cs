using Parsec.Autodiff.Cuda;
using Parsec.Cuda.Memory;

namespace Parsec.DeviceRunner;

/// <summary>Says whether CUDA is usable here and on what; exit code 3 with the exact reason when it is not.</summary>
internal static class InfoMode
{
    public const int NoDevice = 3;

    public static int Run()
    {
        if (!TryOpen(out var backend, out string whyNot))
        {
            Console.WriteLine("no CUDA device: " + whyNot);
            return NoDevice;
        }
        using (backend)
        {
            Console.WriteLine(backend!.Info());
            return 0;
        }
    }

    /// <summary>A backend with a small arena: enough for the tests and benchmarks, polite to anything else on the GPU.</summary>
    public static bool TryOpen(out CudaBackend? backend, out string whyNot, long arenaBytes = 1L << 30) =>
        CudaBackend.TryCreate(out backend, out whyNot, new CudaBackendOptions { Arena = new ArenaOptions { TotalBytes = arenaBytes } });
}
