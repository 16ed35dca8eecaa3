using NUnit.Framework;
using Parsec.Cuda;

namespace Parsec.Tests.Cuda;

/// <summary>Releasing native handles: failures are recorded instead of thrown, leaks are warned about.</summary>
[TestFixture]
[NonParallelizable] // replaces the process-wide warning sink
public class HandleReleaseTests
{
    private readonly List<string> _warnings = [];
    private Action<string> _previousSink = _ => { };

    [SetUp]
    public void CollectWarnings()
    {
        _warnings.Clear();
        _previousSink = HandleRelease.Sink;
        HandleRelease.Sink = _warnings.Add;
    }

    [TearDown]
    public void RestoreSink() => HandleRelease.Sink = _previousSink;

    [Test]
    public void AFailedReleaseIsRecordedNotThrown()
    {
        long before = HandleRelease.Count;
        var owner = new object();
        Assert.DoesNotThrow(() => HandleRelease.Dispose(owner, "stream 0x10", () => throw new CudaException(700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access", new CallSite("cuStreamDestroy_v2(h)", "CudaStream.cs", 1))));
        Assert.That(_warnings, Has.Count.EqualTo(1));
        Assert.That(_warnings[0], Does.Contain("releasing stream 0x10 (Object) failed").And.Contain("CUDA_ERROR_ILLEGAL_ADDRESS"));
        Assert.That(HandleRelease.Count, Is.EqualTo(before + 1));
        Assert.That(HandleRelease.Recent, Does.Contain(_warnings[0]));
    }

    [Test]
    public void DisposingInsideAnUnwindingExceptionKeepsTheOriginalException()
    {
        var thrown = Assert.Throws<InvalidOperationException>(() =>
        {
            try
            {
                throw new InvalidOperationException("the real problem");
            }
            finally
            {
                HandleRelease.Dispose(this, "event 0x20", () => throw new CudaException(4, "CUDA_ERROR_DEINITIALIZED", "driver shutting down", new CallSite("cuEventDestroy_v2(h)", "CudaEvent.cs", 1)));
            }
        })!;
        Assert.That(thrown.Message, Is.EqualTo("the real problem"));
        Assert.That(_warnings, Has.One.Contains("CUDA_ERROR_DEINITIALIZED"));
    }

    [Test]
    public void ASuccessfulReleaseSaysNothing()
    {
        bool released = false;
        HandleRelease.Dispose(new object(), "module m", () => released = true);
        Assert.That(released, Is.True);
        Assert.That(_warnings, Is.Empty);
    }

    [Test]
    public void AFinalizerWarnsOnlyAboutAHandleStillHeld()
    {
        HandleRelease.Finalized(new object(), "cuDNN handle 0x30", stillHeld: false);
        Assert.That(_warnings, Is.Empty);
        HandleRelease.Finalized(new object(), "cuDNN handle 0x30", stillHeld: true);
        Assert.That(_warnings, Has.One.Contains("cuDNN handle 0x30 (Object) was never disposed"));
    }

    [Test]
    public void ABorrowedBufferOwnsNothingToRelease()
    {
        var view = DeviceBuffer.Borrow(0x1000, 256);
        view.Dispose();
        view.Dispose();
        Assert.That(view.Pointer, Is.EqualTo(0));
        Assert.That(_warnings, Is.Empty);
    }
}
