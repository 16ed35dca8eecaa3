using NUnit.Framework;

namespace Parsec.Tests.Tooling;

/// <summary>build.sh and build.ps1 must offer the same targets and reject unknown ones the same way.</summary>
[TestFixture]
public class BuildScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Test]
    public void BothScriptsListTheSameTargets()
    {
        string root = RepositoryRoot.Find();
        var bash = ProcessRunner.Run("bash", ["build.sh", "help"], root, Timeout);
        var pwsh = ProcessRunner.Run("dotnet", ["pwsh", "-NoProfile", "-File", "build.ps1", "help"], root, Timeout);
        Assert.That(bash.ExitCode, Is.EqualTo(0), bash.StdErr);
        Assert.That(pwsh.ExitCode, Is.EqualTo(0), pwsh.StdErr);
        Assert.That(bash.StdOut.Trim(), Does.StartWith("targets:").And.Contain("test"));
        Assert.That(pwsh.StdOut.Trim(), Is.EqualTo(bash.StdOut.Trim()));
    }

    [Test]
    public void BothScriptsRejectAnUnknownTargetByName()
    {
        string root = RepositoryRoot.Find();
        var bash = ProcessRunner.Run("bash", ["build.sh", "no-such-target"], root, Timeout);
        var pwsh = ProcessRunner.Run("dotnet", ["pwsh", "-NoProfile", "-File", "build.ps1", "no-such-target"], root, Timeout);
        Assert.That(bash.ExitCode, Is.EqualTo(2));
        Assert.That(pwsh.ExitCode, Is.EqualTo(2));
        Assert.That(bash.StdErr, Does.Contain("no-such-target"));
        Assert.That(pwsh.StdErr + pwsh.StdOut, Does.Contain("no-such-target"));
    }
}
