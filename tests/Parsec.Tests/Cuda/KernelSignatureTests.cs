using NUnit.Framework;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda.Compilation;

namespace Parsec.Tests.Cuda;

/// <summary>
/// Every extern "C" kernel in kernels/ against its C# launch declaration: same parameter count, names, order and
/// widths. A mismatch would otherwise show up only as wrong numbers on a GPU; this needs none.
/// </summary>
[TestFixture]
public class KernelSignatureTests
{
    public static IEnumerable<TestCaseData> DeclaredKernels()
    {
        foreach (var declaration in KernelSignatures.Declarations())
            foreach (string function in KernelSignatures.FunctionsOf(declaration))
                yield return new TestCaseData(declaration, function).SetName($"Matches_{function}");
    }

    [TestCaseSource(nameof(DeclaredKernels))]
    public void TheDeclarationMatchesTheKernelSignature(Type declaration, string function)
    {
        string file = KernelSignatures.FileOf(declaration);
        Assert.That(KernelSources.Files, Does.Contain(file), $"{declaration.Name} names a kernel file that does not exist");
        var kernels = KernelSignatures.FromCuda(KernelSources.Load(file).Text);
        Assert.That(kernels.ContainsKey(function), $"{declaration.Name}: {file} has no extern \"C\" kernel {function}");
        var problems = KernelSignatures.Mismatches(kernels[function], KernelSignatures.FromDeclaration(declaration));
        Assert.That(problems, Is.Empty, $"{file}: {function} vs {declaration.Name}");
    }

    [Test]
    public void EveryKernelHasExactlyOneDeclaration()
    {
        var declared = KernelSignatures.Declarations()
            .SelectMany(d => KernelSignatures.FunctionsOf(d).Select(f => (File: KernelSignatures.FileOf(d), Function: f)))
            .ToList();
        var kernels = KernelSources.Files
            .SelectMany(file => KernelSignatures.FromCuda(KernelSources.Load(file).Text).Keys.Select(f => (File: file, Function: f)))
            .ToList();
        Assert.That(kernels, Has.Count.GreaterThanOrEqualTo(24), "the parser found fewer kernels than kernels/ holds");
        Assert.That(declared, Is.Unique);
        Assert.That(declared, Is.EquivalentTo(kernels));
    }

    [Test]
    public void TheParserReadsQualifiersPointersAndMultiLineSignatures()
    {
        const string source = """
            // extern "C" __global__ void commented_out(int a)
            extern "C" __global__ void k(const float* __restrict__ x, i64 n,
                                         DepthwiseGeometry g, /* the flag */ int* flag, double scale)
            { }
            """;
        var kernels = KernelSignatures.FromCuda(source);
        Assert.That(kernels.Keys, Is.EqualTo(new[] { "k" }));
        Assert.That(kernels["k"].Select(p => p.ToString()), Is.EqualTo(new[]
        {
            $"{KernelSignatures.Pointer} x", $"{KernelSignatures.Int64} n", "struct DepthwiseGeometry g",
            $"{KernelSignatures.Pointer} flag", $"{KernelSignatures.Float64} scale",
        }));
    }

    [Test]
    public void AWidenedSwappedOrMissingParameterIsReported()
    {
        var cuda = KernelSignatures.FromCuda(
            """extern "C" __global__ void scale_rows(const float* x, const float* row_scale, i64 row_length, float* y, i64 n, int accumulate) { }""")["scale_rows"];
        Assert.That(KernelSignatures.Mismatches(cuda, KernelSignatures.FromDeclaration(typeof(ScaleRowsKernel))), Is.Empty);

        var narrow = KernelSignatures.Mismatches(cuda, KernelSignatures.FromDeclaration(typeof(NarrowRowLength)));
        Assert.That(narrow, Has.One.Contains("row_length").And.Contains(KernelSignatures.Int64).And.Contains(KernelSignatures.Int32));

        var swapped = KernelSignatures.Mismatches(cuda, KernelSignatures.FromDeclaration(typeof(SwappedPointers)));
        Assert.That(swapped, Has.Some.Contains("parameter 0 is 'x' in the kernel, 'RowScale' declared"));

        var missing = KernelSignatures.Mismatches(cuda, KernelSignatures.FromDeclaration(typeof(MissingAccumulate)));
        Assert.That(missing, Has.One.EqualTo("6 parameters in the kernel, 5 declared"));
    }

    [Test]
    public unsafe void TheArgumentBlockPointsAtEachParameterInOrder()
    {
        var arguments = new ScaleRowsKernel(0x1000, 0x2000, 7, 0x3000, 70, 1);
        Span<nint> block = stackalloc nint[KernelParameters.Count<ScaleRowsKernel>()];
        KernelParameters.WriteAddresses(&arguments, block);
        Assert.That(block.Length, Is.EqualTo(6));
        Assert.That(*(ulong*)block[0], Is.EqualTo(0x1000));
        Assert.That(*(ulong*)block[1], Is.EqualTo(0x2000));
        Assert.That(*(long*)block[2], Is.EqualTo(7));
        Assert.That(*(ulong*)block[3], Is.EqualTo(0x3000));
        Assert.That(*(long*)block[4], Is.EqualTo(70));
        Assert.That(*(int*)block[5], Is.EqualTo(1));

        var slots = new SgdSlots { Count = 3 };
        var sgd = new SgdUpdateKernel(slots, 0.5f, 0.9f, 1e-4f);
        Span<nint> sgdBlock = stackalloc nint[KernelParameters.Count<SgdUpdateKernel>()];
        KernelParameters.WriteAddresses(&sgd, sgdBlock);
        Assert.That(((SgdSlots*)sgdBlock[0])->Count, Is.EqualTo(3));
        Assert.That(*(float*)sgdBlock[1], Is.EqualTo(0.5f));
        Assert.That(*(float*)sgdBlock[3], Is.EqualTo(1e-4f));
    }

    [Test]
    public void ADeclarationWhoseNativeLayoutDiffersIsRefused()
    {
        // bool is one byte in managed memory and four when marshalled: the driver would read the wrong bytes.
        var error = Assert.Throws<ArgumentException>(() => KernelParameters.Of(typeof(WithBooleans)))!;
        Assert.That(error.Message, Does.Contain("WithBooleans").And.Contain("one layout"));
    }

    private readonly record struct WithBooleans(bool A, bool B, bool C, bool D, int N) : IKernelArguments
    {
        public static string File => "elementwise.cu";
        public static IReadOnlyList<string> Functions { get; } = ["relu_forward"];
    }

    private readonly record struct NarrowRowLength(DevicePointer X, DevicePointer RowScale, int RowLength, DevicePointer Y, long N, int Accumulate) : IKernelArguments
    {
        public static string File => "elementwise.cu";
        public static IReadOnlyList<string> Functions { get; } = ["scale_rows"];
    }

    private readonly record struct SwappedPointers(DevicePointer RowScale, DevicePointer X, long RowLength, DevicePointer Y, long N, int Accumulate) : IKernelArguments
    {
        public static string File => "elementwise.cu";
        public static IReadOnlyList<string> Functions { get; } = ["scale_rows"];
    }

    private readonly record struct MissingAccumulate(DevicePointer X, DevicePointer RowScale, long RowLength, DevicePointer Y, long N) : IKernelArguments
    {
        public static string File => "elementwise.cu";
        public static IReadOnlyList<string> Functions { get; } = ["scale_rows"];
    }
}
