using NUnit.Framework;
using Parsec.Tests.Data;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

public class RunLockTests
{
    [Test]
    public void ASecondHolderIsRefusedWithThePidAndStartTimeOfTheFirst()
    {
        using var temp = new TempFolder();
        using (RunLock.Acquire(temp.Path))
        {
            var refused = Assert.Throws<RunFolderInUseException>(() => RunLock.Acquire(temp.Path))!;
            Assert.That(refused.Message, Does.Contain(temp.Path).And.Contain($"process {Environment.ProcessId}").And.Contain("started 20"));
        }
        Assert.That(Directory.GetFiles(temp.Path), Is.Empty, "a released lock leaves no file behind");
        using (RunLock.Acquire(temp.Path)) { } // and can be taken again
    }

    [Test]
    public void ALockLeftByADeadProcessIsTakenOverAndTheTakeoverLogged()
    {
        using var temp = new TempFolder();
        // What a killed holder leaves: the files, but no operating-system lock (that ends with the process).
        File.WriteAllText(temp[RunLock.FileName], "process 999999 on elsewhere, started 2020-01-01 00:00:00 UTC\n");
        File.WriteAllText(temp[RunLock.OwnerFileName], "process 999999 on elsewhere, started 2020-01-01 00:00:00 UTC\n");
        var log = new List<string>();
        using (RunLock.Acquire(temp.Path, log.Add))
        {
            Assert.That(log, Has.One.Contains("took over the lock left by process 999999").And.Contain("no longer running"));
            Assert.That(File.ReadAllText(temp[RunLock.OwnerFileName]), Does.Contain($"process {Environment.ProcessId}"));
        }
    }

    [Test]
    public void TakingTheLockRemovesTemporaryFilesOfInterruptedWrites()
    {
        using var temp = new TempFolder();
        // A kill during a checkpoint write leaves an empty temporary file under the writer's naming scheme.
        string stale = temp[$".checkpoint.{Guid.NewGuid():N}.tmp.safetensors"];
        File.WriteAllBytes(stale, []);
        string kept = temp["checkpoint.safetensors"], alsoKept = temp[".notes.tmp"];
        File.WriteAllText(kept, "x");
        File.WriteAllText(alsoKept, "x");
        var log = new List<string>();
        using (RunLock.Acquire(temp.Path, log.Add)) { }
        Assert.That(File.Exists(stale), Is.False);
        Assert.That(File.Exists(kept) && File.Exists(alsoKept), Is.True, "only the writer's temporary files are removed");
        Assert.That(log, Has.One.Contains(stale));
    }
}
