using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Tests.Cuda;

/// <summary>The resolver's search, its environment overrides and its failure report (no GPU needed).</summary>
[TestFixture]
[NonParallelizable] // sets environment variables
public class NativeLibraryResolverTests
{
    private static NativeLibrarySpec TestSpec(string variable) => new(
        "parsec_resolver_test_" + Guid.NewGuid().ToString("N"), "test library", ["libparsec-test.so.1", "libparsec-test.so"],
        variable, "install the test library", []);

    [Test]
    public void AnOverrideNamingAMissingFileIsTheOnlyPathTriedAndIsReported()
    {
        string variable = "PARSEC_TEST_LIB_" + Guid.NewGuid().ToString("N");
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libcuda.so.1");
        var spec = TestSpec(variable);
        Environment.SetEnvironmentVariable(variable, missing);
        try
        {
            Assert.That(NativeLibraries.TryLoad(spec, out nint handle, out var attempts), Is.False);
            Assert.That(handle, Is.EqualTo((nint)0));
            Assert.That(attempts.Select(a => a.Path), Is.EqualTo(new[] { missing }));
            var e = Assert.Throws<NativeLibraryNotFoundException>(() => NativeLibraries.Load(spec))!;
            Assert.That(e.Message, Does.Contain(missing).And.Contain(variable).And.Contain("install the test library").And.Contain("only that location"));
            Assert.That(e, Is.InstanceOf<DllNotFoundException>());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Test]
    public void AnOverrideNamingAFolderTriesEveryVersionedNameInIt()
    {
        string variable = "PARSEC_TEST_LIB_" + Guid.NewGuid().ToString("N");
        string folder = Path.Combine(Path.GetTempPath(), "parsec-resolver-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var spec = TestSpec(variable);
        Environment.SetEnvironmentVariable(variable, folder);
        try
        {
            Assert.That(NativeLibraries.TryLoad(spec, out _, out var attempts), Is.False);
            Assert.That(attempts.Select(a => a.Path), Is.EqualTo(spec.FileNames.Select(n => Path.Combine(folder, n))));
            Assert.That(attempts.All(a => a.Reason.Length > 0), "each attempt says why it failed");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void WithoutAnOverrideEveryVersionedNameIsTried()
    {
        var spec = TestSpec("PARSEC_TEST_LIB_UNSET_" + Guid.NewGuid().ToString("N"));
        Assert.That(NativeLibraries.TryLoad(spec, out _, out var attempts), Is.False);
        Assert.That(attempts.Select(a => a.Path).Take(spec.FileNames.Count), Is.EqualTo(spec.FileNames));
        string report = NativeLibraryNotFoundException.Describe(spec, attempts, null);
        foreach (string name in spec.FileNames) Assert.That(report, Does.Contain(name));
    }

    [Test]
    public void EveryLibraryHasVersionedNamesAndAnOverride()
    {
        Assert.That(NativeLibrarySpec.Driver.FileNames[0], Is.EqualTo("libcuda.so.1"));
        Assert.That(NativeLibrarySpec.Cublas.FileNames.Take(2), Is.EqualTo(new[] { "libcublas.so.13", "libcublas.so.12" }));
        Assert.That(NativeLibrarySpec.Cudnn.FileNames[0], Is.EqualTo("libcudnn.so.9"));
        Assert.That(NativeLibrarySpec.Nvrtc.FileNames.Take(3), Is.EqualTo(new[] { "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2" }));
        Assert.That(NativeLibrarySpec.All.Select(s => s.EnvironmentVariable),
            Is.EqualTo(new[] { "PARSEC_CUDA_LIB", "PARSEC_CUBLAS_LIB", "PARSEC_CUDNN_LIB", "PARSEC_NVRTC_LIB" }));
    }

    [Test]
    public void TryCreateNeverThrowsAndExplainsAFailure()
    {
        bool ok = CudaBackend.TryCreate(out var backend, out string whyNot);
        using (backend)
        {
            Assert.That(ok, Is.EqualTo(backend is not null));
            if (!ok) Assert.That(whyNot, Does.StartWith("CUDA").And.Contain("Tried").Or.Contain("could not start"));
        }
    }

    [Test]
    public void TheSelectorHonoursAnExplicitCpuChoiceAndAlwaysGivesAReason()
    {
        using (var cpu = Backends.Create(BackendChoice.Cpu, out string reason))
        {
            Assert.That(cpu.Kind, Is.EqualTo(BackendKind.Cpu));
            Assert.That(reason, Is.Not.Empty);
        }
        using var auto = Backends.Create(BackendChoice.Auto, out string autoReason);
        Assert.That(autoReason, Is.Not.Empty);
        if (auto.Kind == BackendKind.Cpu) Assert.That(autoReason, Does.Contain("CPU").And.Contain("because"));
    }
}
