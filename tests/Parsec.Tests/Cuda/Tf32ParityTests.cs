using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.Tests.Cuda;

/// <summary>
/// The convolution, pooling and batch-norm parity tests again with TF32 allowed, as the command line runs by
/// default. TF32 rounds each product's inputs to a 10-bit mantissa (relative error 2^-11 each) and accumulates
/// in fp32; over the 144-400 products of these convolutions, with random signs, the error relative to the
/// largest output stays well under 1e-2, ten times the fp32 tolerance.
/// </summary>
[TestFixture]
[Category("Device")]
public class Tf32ParityTests : ConvolutionParityTests
{
    protected override CudaBackendOptions Options => base.Options with { AllowTf32 = true };
    protected override double ParityTolerance => 1e-2;

    [Test]
    public void Tf32IsInForceExactlyOnGpusThatHaveIt() =>
        Assert.That(Gpu.Precision, Is.EqualTo(Gpu.Info().ComputeCapabilityMajor >= 8 ? Precision.Tf32 : Precision.Fp32));

    [Test]
    public void Fp32IsInForceWhenTf32IsNotAllowed()
    {
        using var fp32 = new CudaBackend(base.Options);
        Assert.That(fp32.Precision, Is.EqualTo(Precision.Fp32));
    }
}
