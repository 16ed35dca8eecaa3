using System.Text.RegularExpressions;
using NUnit.Framework;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda;
using Parsec.Cuda.Compilation;

namespace Parsec.Tests.Cuda;

/// <summary>
/// Every kernel file compiles with NVRTC, with an empty log (no warnings), for the Ampere and Hopper PTX targets.
/// NVRTC needs no GPU, so this runs in CI wherever NVRTC is installed (the repository's setup installs it).
/// </summary>
[TestFixture]
public class KernelCompilationTests
{
    private static readonly NvrtcCompiler Uncached = new(cache: null);

    public static IEnumerable<TestCaseData> FilesAndTargets()
    {
        foreach (string file in KernelSources.Files)
            foreach (int arch in new[] { 80, 90 })
                yield return new TestCaseData(file, arch).SetName($"Compiles_{file}_compute_{arch}");
    }

    [Test]
    public void KernelSourcesAreEmbedded()
    {
        Assert.That(KernelSources.Files, Is.SupersetOf(new[] { "elementwise.cu", "layout.cu", "pooling.cu", "loss.cu", "reduce.cu", "optimizer.cu", "dense.cu", "depthwise.cu" }));
        Assert.That(KernelSources.Load("elementwise.cu").Headers.Keys, Does.Contain("common.cuh"));
    }

    [TestCaseSource(nameof(FilesAndTargets))]
    public void CompilesWithoutWarnings(string file, int arch)
    {
        var source = KernelSources.Load(file);
        var ptx = Uncached.Compile(source, new NvrtcOptions(arch));
        Assert.That(ptx.Log, Is.Empty, $"NVRTC said something about {file} for compute_{arch}");
        Assert.That(ptx.Ptx, Does.Contain($".target sm_{arch}"));
        // Every extern "C" kernel is exported under its own, unmangled name.
        foreach (Match m in Regex.Matches(source.Text, @"extern ""C"" __global__ void (\w+)\("))
            Assert.That(ptx.Ptx, Does.Contain($".entry {m.Groups[1].Value}("), $"{file}: kernel {m.Groups[1].Value} missing from the PTX");
    }

    [Test]
    public void ACompileErrorCarriesTheLog()
    {
        var broken = new KernelSource("broken.cu", "extern \"C\" __global__ void k(float* x) { x[0] = undefined_name; }");
        var e = Assert.Throws<NvrtcException>(() => Uncached.Compile(broken, new NvrtcOptions(80)))!;
        Assert.That(e.StatusName, Is.EqualTo("NVRTC_ERROR_COMPILATION"));
        Assert.That(e.Status, Is.EqualTo(6));
        Assert.That(e.Log, Does.Contain("undefined_name"));
        Assert.That(e.Message, Does.Contain("broken.cu").And.Contain("undefined_name"));
    }

    [Test]
    public void TheCacheReturnsTheSamePtxAndKeysOnEverything()
    {
        string dir = Path.Combine(Path.GetTempPath(), "parsec-ptx-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var compiler = new NvrtcCompiler(new PtxCache(dir));
            var source = KernelSources.Load("elementwise.cu");
            var first = compiler.Compile(source, new NvrtcOptions(80));
            var second = compiler.Compile(source, new NvrtcOptions(80));
            var otherArch = compiler.Compile(source, new NvrtcOptions(90));
            Assert.That(first.FromCache, Is.False);
            Assert.That(second.FromCache, Is.True);
            Assert.That(second.Ptx, Is.EqualTo(first.Ptx));
            Assert.That(otherArch.FromCache, Is.False);
            Assert.That(Directory.GetFiles(dir, "*.ptx"), Has.Length.EqualTo(2));
            Assert.That(Directory.GetFiles(dir, "*.tmp"), Is.Empty);

            string keyA = PtxCache.Key(source, ["--gpu-architecture=compute_80"], "13.0");
            string keyB = PtxCache.Key(source, ["--gpu-architecture=compute_80"], "12.8");
            string keyC = PtxCache.Key(source with { Text = source.Text + " " }, ["--gpu-architecture=compute_80"], "13.0");
            Assert.That(new[] { keyA, keyB, keyC }, Is.Unique);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void TheArchitectureIsTheDevicesWhenNvrtcKnowsIt()
    {
        var supported = NvrtcCompiler.SupportedArchitectures();
        Assert.That(supported, Does.Contain(80).And.Contain(90));
        Assert.That(NvrtcCompiler.ChooseArchitecture(90), Is.EqualTo(90));
        Assert.That(NvrtcCompiler.ChooseArchitecture(86), Is.EqualTo(86));
        // A GPU newer than the compiler gets the newest PTX the compiler can write (the driver JITs it).
        Assert.That(NvrtcCompiler.ChooseArchitecture(990), Is.EqualTo(supported[^1]));
        Assert.Throws<NotSupportedException>(() => NvrtcCompiler.ChooseArchitecture(10));
    }
}
