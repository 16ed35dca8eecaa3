using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Parsec.Search.Bench;
using Parsec.Search.Cli;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Bench;

/// <summary>
/// bench says when its figures cannot be believed: other processes competing for the cores, or round medians that
/// disagree. A busy loop beside it must set the warning off; without one, the warning follows the figures it prints.
/// </summary>
[TestFixture]
[NonParallelizable] // measures the machine's load and captures the shared console
public class BenchTrustTests
{
    [Test]
    public void TheSpreadIsTheRangeOfTheRoundMediansOverTheirMedian()
    {
        Assert.That(BenchTrust.Spread([100, 110, 90]), Is.EqualTo(0.2).Within(1e-12));
        Assert.That(BenchTrust.Spread([42]), Is.Zero);
    }

    [Test]
    public void EachDoubtIsNamed()
    {
        IReadOnlyList<double> steady = [100, 104, 98], unsteady = [100, 160, 98];
        Assert.That(BenchTrust.Doubts([("parsec", steady), ("PyTorch", steady)], otherCores: 0.05, cores: 2, onGpu: false), Is.Empty);
        Assert.That(BenchTrust.Doubts([("parsec", steady), ("PyTorch", unsteady)], 0.05, 2, false).Single(),
            Is.EqualTo("PyTorch's round medians spread by 62 % (more than 25 %)"));
        Assert.That(BenchTrust.Doubts([("parsec", steady)], 1.4, 2, false).Single(), Is.EqualTo("other processes kept 1.40 of the 2 cores busy while it ran"));
        Assert.That(BenchTrust.Doubts([("parsec", steady)], 1.4, 2, onGpu: true), Is.Empty, "host load does not slow a GPU case");
        Assert.That(BenchTrust.Doubts([("parsec", steady)], null, 2, false), Is.Empty, "no /proc, no claim");
    }

    [Test]
    public void ABusyLoopBesideItIsSeenAsOtherProcessesLoad()
    {
        if (MachineLoad.Now() is null) Assert.Ignore("no /proc on this system: the load is not measured here");
        using var busy = new BusyLoops(Environment.ProcessorCount);
        Thread.Sleep(300);
        var start = MachineLoad.Now()!;
        Thread.Sleep(1500);
        double others = MachineLoad.OtherCores(start, MachineLoad.Now()!);
        Assert.That(others, Is.GreaterThan(0.5 * Environment.ProcessorCount), "every core spun by another process");
    }

    [Test]
    public void UnderABusyLoopBenchWarns()
    {
        if (MachineLoad.Now() is null) Assert.Ignore("no /proc on this system: the load is not measured here");
        string text;
        using (var busy = new BusyLoops(Environment.ProcessorCount))
            text = Bench();
        Assert.That(Flat(text), Does.Contain("warning: these figures are not trustworthy").And.Contain("other processes kept"));
        Assert.That(text, Does.Contain("(see the warning)"));
    }

    [Test]
    public void WithoutOneTheWarningFollowsTheFiguresItPrints()
    {
        if (MachineLoad.Now() is null) Assert.Ignore("no /proc on this system: the load is not measured here");
        string text = Flat(Bench());

        double others = double.Parse(Regex.Match(text, @"other processes used ([\d.]+) cores").Groups[1].Value, CultureInfo.InvariantCulture);
        var spreads = Regex.Matches(text, @"round medians: [^(]*\(spread (\d+) %\)").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.That(spreads, Has.Count.EqualTo(2), "a spread for each side");
        Assert.That(spreads[1], Is.Zero, "the stand-in reports the same median every round");
        bool doubtful = others > BenchTrust.MaxOtherCores || spreads.Any(s => s > 100 * BenchTrust.MaxSpread);
        Assert.That(text.Contains("not trustworthy"), Is.EqualTo(doubtful), text);
        Assert.That(text, Does.Match(@"load average \(1 min\): [\d.]+ before, [\d.]+ after"));
        Assert.That(text, Does.Contain("threads: parsec").And.Contain("PyTorch"));
    }

    /// <summary>bench on a tiny CPU case, 3 rounds of one step, beside a stand-in PyTorch that answers at once.</summary>
    private static string Bench()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("the stand-in interpreter is a shell script");
        using var temp = new TempFolder();
        string python = StandInPython.Write(temp["python3"], medianMs: 50.0, minMs: 48.0);
        using var console = new ConsoleCapture();
        Assert.That(CliApp.Run(["bench", "--backend", "cpu", "--steps", "3", "--warmup", "1", "--rounds", "3", "--python", python]), Is.EqualTo(CliApp.Success));
        return console.Text;
    }

    private static string Flat(string text) => Regex.Replace(text, @"[ \t]*\r?\n", " ");

    /// <summary>Shell loops that spin one core each until disposed: load from other processes, as another job would make.</summary>
    private sealed class BusyLoops : IDisposable
    {
        private readonly List<Process> _loops;

        public BusyLoops(int count) =>
            _loops = Enumerable.Range(0, count).Select(_ => Process.Start("/bin/sh", ["-c", "while :; do :; done"])).ToList();

        public void Dispose()
        {
            foreach (var loop in _loops)
            {
                loop.Kill();
                loop.WaitForExit();
                loop.Dispose();
            }
        }
    }
}
