using System.Reflection;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Parsec.Search;
using Parsec.Tests.Data;

namespace Parsec.Tests.Tooling;

/// <summary>
/// `dotnet pack` makes parsec a .NET tool: installed into a fresh tool path from the packed folder alone, it
/// runs `parsec --help`, `parsec info` and `parsec --version`. Packs the build the tests run against (--no-build).
/// </summary>
[TestFixture]
public class GlobalToolTests
{
    [Test]
    public void ThePackedToolInstallsAndRuns()
    {
        string root = RepositoryRoot.Find();
        using var temp = new TempFolder("parsec-tool");
        string configuration = typeof(GlobalToolTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var limit = TimeSpan.FromMinutes(5);
        // A package cache of its own: a cached parsec of the same version must not stand in for the one just packed.
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = temp.Folder("packages"),
            ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        string feed = temp.Folder("feed");
        var pack = ProcessRunner.Run("dotnet", ["pack", Path.Combine(root, "src", "Parsec.Search", "Parsec.Search.csproj"), "-c", configuration, "--no-build", "-o", feed, "-nologo"],
            root, limit, environment);
        Assert.That(pack.ExitCode, Is.EqualTo(0), pack.StdOut + pack.StdErr);
        Assert.That(Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName), Is.EqualTo(new[] { $"parsec.{ParsecVersionInfo.Current}.nupkg" }));

        // Only the packed folder as a source: the install cannot pick up a package from anywhere else.
        File.WriteAllText(temp["nuget.config"], $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="packed" value="{feed}" /></packageSources></configuration>
            """);
        string tools = temp["tools"];
        var install = ProcessRunner.Run("dotnet", ["tool", "install", "parsec", "--tool-path", tools, "--configfile", temp["nuget.config"], "--version", ParsecVersionInfo.Current],
            temp.Path, limit, environment);
        Assert.That(install.ExitCode, Is.EqualTo(0), install.StdOut + install.StdErr);

        string parsec = Path.Combine(tools, OperatingSystem.IsWindows() ? "parsec.exe" : "parsec");
        var help = ProcessRunner.Run(parsec, ["--help"], temp.Path, limit, environment);
        Assert.That(help.ExitCode, Is.EqualTo(0), help.StdErr);
        Assert.That(help.StdOut, Does.Contain("export").And.Contain("predict").And.Contain("search"));
        var info = ProcessRunner.Run(parsec, ["info", "--backend", "cpu"], temp.Path, limit, environment);
        Assert.That(info.ExitCode, Is.EqualTo(0), info.StdErr);
        Assert.That(info.StdOut, Does.Contain($"parsec {ParsecVersionInfo.Current}, runtime:").And.Contain("backend:"));
        var version = ProcessRunner.Run(parsec, ["--version"], temp.Path, limit, environment);
        Assert.That(version.StdOut.Trim(), Is.EqualTo(ParsecVersionInfo.Current));
    }
}
