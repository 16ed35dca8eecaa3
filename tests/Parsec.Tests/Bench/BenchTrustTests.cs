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
    public void TheFigureOverRoundsIsItsGeometricMeanWithTheStandardErrorOfItsLogarithms()
    {
        // By hand: logs of 0.5 and 2 are -ln 2 and ln 2, mean 0 (geometric mean 1); sample standard deviation
        // sqrt(2 (ln 2)^2 / 1) = ln 2 * sqrt 2, standard error ln 2 * sqrt 2 / sqrt 2 = ln 2, so exp(ln 2) - 1 = 100 %.
        var (mean, error) = BenchTrust.OverRounds([0.5, 2.0]);
        Assert.That(mean, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(error, Is.EqualTo(1.0).Within(1e-12));
        // 0.4, 0.5, 0.625: logs ln 0.5 - a, ln 0.5, ln 0.5 + a with a = ln 1.25; sd a, standard error a / sqrt 3.
        (mean, error) = BenchTrust.OverRounds([0.4, 0.5, 0.625]);
        Assert.That(mean, Is.EqualTo(0.5).Within(1e-12));
        Assert.That(error, Is.EqualTo(Math.Exp(Math.Log(1.25) / Math.Sqrt(3)) - 1).Within(1e-12));
        (mean, error) = BenchTrust.OverRounds([42.0]);
        Assert.That(mean, Is.EqualTo(42.0).Within(1e-9));
        Assert.That(error, Is.Zero, "one round cannot show its own error");
        Assert.Throws<ArgumentException>(() => BenchTrust.OverRounds([1.0, 0.0]));
    }

    [Test]
    public void EachDoubtIsNamed()
    {
        IReadOnlyList<double> steady = [0.50, 0.52, 0.49, 0.51, 0.50], unsteady = [0.50, 0.80, 0.49, 0.30, 0.50];
        Assert.That(BenchTrust.Doubts("the ratio", steady, otherCores: 0.05, cores: 2, onGpu: false), Is.Empty);
        Assert.That(BenchTrust.Doubts("the ratio", unsteady, 0.05, 2, false).Single(),
            Is.EqualTo("the ratio has a standard error of 17 % over its 5 rounds (more than 10 %)"));
        Assert.That(BenchTrust.Doubts("the ratio", steady, 1.4, 2, false).Single(), Is.EqualTo("other processes kept 1.40 of the 2 cores busy while it ran"));
        Assert.That(BenchTrust.Doubts("the ratio", steady, 1.4, 2, onGpu: true), Is.Empty, "host load does not slow a GPU case");
        Assert.That(BenchTrust.Doubts("the ratio", steady, null, 2, false), Is.Empty, "no /proc, no claim");
    }

    /// <summary>
    /// Near the limits the warning judges the figures as printed: a standard error printed as 10 % or a load printed as
    /// 0.25 cores is within the limit, whatever digits follow (a ratio once printed "10 % (more than 10 %)").
    /// </summary>
    [Test]
    public void TheLimitsJudgeTheFiguresAsPrinted()
    {
        var rng = new Random(7);
        int near = 0;
        for (int i = 0; i < 2000; i++)
        {
            IReadOnlyList<double> rounds = Enumerable.Range(0, 3).Select(_ => 1 + 0.2 * (rng.NextDouble() - 0.5) * 3).ToList();
            int printed = int.Parse((100 * BenchTrust.OverRounds(rounds).RelativeError).ToString("0", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (printed == 10) near++;
            bool warned = BenchTrust.Doubts("the ratio", rounds, otherCores: 0, cores: 2, onGpu: false).Count > 0;
            Assert.That(warned, Is.EqualTo(printed > 10), $"a standard error printed as {printed} %");
        }
        Assert.That(near, Is.GreaterThan(20), "the draws reach the limit itself");
        Assert.That(BenchTrust.Doubts("the ratio", [1.0, 1.0], otherCores: 0.2549, cores: 2, onGpu: false), Is.Empty, "0.25 printed");
        Assert.That(BenchTrust.Doubts("the ratio", [1.0, 1.0], otherCores: 0.2551, cores: 2, onGpu: false), Has.Count.EqualTo(1), "0.26 printed");
    }

    [Test]
    public void ASlowSpellOnBothSidesOfARoundCancelsInTheRatio()
    {
        // Round 2 ran 60 % slower on both sides, as when the host takes a core away for a while: each side's round
        // medians spread, the paired ratio does not.
        var parsec = new[] { 100.0, 160.0, 101.0 }.Select(m => new Timing(m, m)).ToList();
        var torch = new[] { 200.0, 320.0, 199.0 }.Select(m => new PyTorchMeasurement(m, m, "2", 2, "cpu", 1, "python3")).ToList();
        var rounds = new RoundsResult<Timing>(parsec, torch, null, null);
        Assert.That(BenchTrust.Spread(rounds.ParsecMedians), Is.GreaterThan(0.5));
        var (name, perRound) = rounds.Figure;
        Assert.That(name, Is.EqualTo("the parsec / PyTorch ratio"));
        Assert.That(BenchTrust.OverRounds(perRound).RelativeError, Is.LessThan(0.01));
        Assert.That(BenchTrust.Doubts(name, perRound, 0.0, 2, false), Is.Empty);
    }

    private sealed record Timing(double MedianMs, double MinMs) : IRoundTiming;

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
        int error = int.Parse(Regex.Match(text, @"parsec / PyTorch round by round: [^(]*\(geometric mean [\d.]+, standard error (\d+) %\)").Groups[1].Value);
        Assert.That(text, Does.Match($@"measured here in this run[^:]*: [\d.]+x ± {error} %"), "the ratio is printed with the error the warning judges");
        bool doubtful = others > BenchTrust.MaxOtherCores || error > 100 * BenchTrust.MaxRelativeError;
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
