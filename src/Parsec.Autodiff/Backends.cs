using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Cuda;

namespace Parsec.Autodiff;

/// <summary>Which backend to run on.</summary>
public enum BackendChoice
{
    /// <summary>CUDA when a usable GPU and its libraries are present, the CPU otherwise (the reason is reported).</summary>
    Auto,
    Cpu,
    /// <summary>CUDA or an error that says why it is unavailable.</summary>
    Cuda,
}

/// <summary>Creates backends by choice, and says why the one chosen was chosen.</summary>
public static class Backends
{
    public static IBackend Create(BackendChoice choice, CudaBackendOptions? cudaOptions = null) => Create(choice, out _, cudaOptions);

    /// <summary>The backend of <paramref name="choice"/> computing in <paramref name="precision"/> where the hardware has it.</summary>
    public static IBackend Create(BackendChoice choice, Precision precision, out string reason) =>
        Create(choice, out reason, new CudaBackendOptions { AllowTf32 = precision == Precision.Tf32 });

    /// <param name="reason">Why this backend: for Auto on a machine without CUDA, exactly what was missing.</param>
    public static IBackend Create(BackendChoice choice, out string reason, CudaBackendOptions? cudaOptions = null)
    {
        switch (choice)
        {
            case BackendChoice.Cpu:
                reason = "CPU backend requested";
                return new CpuBackend();
            case BackendChoice.Cuda:
                if (CudaBackend.TryCreate(out var cuda, out string whyNot, cudaOptions))
                {
                    reason = "CUDA backend requested";
                    return cuda!;
                }
                throw new InvalidOperationException("the CUDA backend was requested but is unavailable: " + whyNot);
            case BackendChoice.Auto:
                if (CudaBackend.TryCreate(out var auto, out string whyNotAuto, cudaOptions))
                {
                    reason = "CUDA is available";
                    return auto!;
                }
                reason = "using the CPU backend because " + whyNotAuto;
                return new CpuBackend();
            default:
                throw new ArgumentOutOfRangeException(nameof(choice), choice, "unknown backend choice");
        }
    }
}
