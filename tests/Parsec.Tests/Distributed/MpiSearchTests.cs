using System.Diagnostics;
using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Distributed;

/// <summary>
/// A search spread over MPI ranks with MPICH's `mpirun -n 2` (two processes on this machine): the same bits as one
/// process, a resume with another number of ranks ending in the same bits, and a killed rank ending the job with the
/// last checkpoint intact.
/// </summary>
[NonParallelizable] // child processes
public class MpiSearchTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    private static string[] Search(string runs, params string[] more) =>
    [
        "search", "--dataset", "textures", "--image-size", "8", "--train-count", "64", "--channels", "4", "--layers", "3", "--batch-size", "8",
        "--samples", "3", "--iterations", "8", "--warmup", "0.25", "--prior-lr", "0.05", "--checkpoint-every", "2", "--backend", "cpu", "--runs", runs, .. more,
    ];

    private static (int Code, string Output) Ranks(int ranks, params string[] args)
    {
        using var job = ParsecProcess.StartRanks(ranks, args);
        int code = job.WaitForExit(Limit);
        return (code, job.Output);
    }

    private static void AssertSameEnd(string expected, string actual)
    {
        foreach (string file in new[] { "checkpoint.safetensors", "pi.json", "genotype.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(actual, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(expected, file))), $"{file} differs");
        Assert.That(File.ReadAllLines(Path.Combine(actual, "metrics.jsonl")).Select(l => l[..l.IndexOf(",\"samples_per_s\"", StringComparison.Ordinal)]),
            Is.EqualTo(File.ReadAllLines(Path.Combine(expected, "metrics.jsonl")).Select(l => l[..l.IndexOf(",\"samples_per_s\"", StringComparison.Ordinal)])));
    }

    [Test]
    public void TwoRanksGiveTheBitsOfOneProcessAndOnlyRankZeroWrites()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(Search(temp["one"])), Is.EqualTo(ExitCodes.Done));
        var (code, output) = Ranks(2, Search(temp["two"]));
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        Assert.That(output, Does.Contain("2 MPI ranks"));
        Assert.That(Directory.GetDirectories(temp["two"]), Has.Length.EqualTo(1), "one run folder, made by rank 0");
        AssertSameEnd(TinyCommands.RunIn(temp["one"])!, TinyCommands.RunIn(temp["two"])!);
    }

    /// <summary>
    /// --all-reduce: each rank sums its own samples' gradients and MPI_Allreduce adds the ranks' sums. Not the bits of
    /// one process (the additions come in another order), but the same search to float rounding over the first
    /// iterations. Not for long: the importance weights exponentiate scaled log-likelihoods, so rounding differences
    /// grow until a sampled architecture flips (seen at iteration 7 of 8 here), after which the searches part.
    /// </summary>
    [Test]
    public void TwoRanksWithAnAllReduceFollowOneProcessToFloatRounding()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(Search(temp["one"], "--iterations", "4")), Is.EqualTo(ExitCodes.Done));
        var (code, output) = Ranks(2, Search(temp["two"], "--iterations", "4", "--all-reduce"));
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        string one = TinyCommands.RunIn(temp["one"])!, two = TinyCommands.RunIn(temp["two"])!;
        Assert.That(File.ReadAllText(Path.Combine(two, "options.json")), Does.Contain("\"all_reduce\": true"));
        // The weights follow to float rounding (measured: 1e-7 relative or closer). pi's logits are not compared one by
        // one: Adam turns a near-zero gradient of either sign into a step of its learning rate, so a logit can move by
        // rounding alone; pi's entropy stays within 1e-5 of one process's (measured 3e-7).
        foreach (string field in new[] { "train_loss", "val_loss", "grad_norm" })
            Assert.That(Metric(two, field), Is.EqualTo(Metric(one, field)).Within(1e-5).Percent, field);
        Assert.That(Metric(two, "pi_entropy"), Is.EqualTo(Metric(one, "pi_entropy")).Within(1e-3).Percent);
    }

    /// <summary>A field of every metrics.jsonl line (0 where the line has none, as the warm-up's validation loss).</summary>
    private static double[] Metric(string run, string field) =>
        File.ReadLines(Path.Combine(run, "metrics.jsonl")).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)![field]?.GetValue<double>() ?? 0).ToArray();

    [Test]
    public void AStopOnTwoRanksResumedInOneProcessEndsInTheSameBits()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(Search(temp["one"])), Is.EqualTo(ExitCodes.Done));
        var (code, output) = Ranks(2, Search(temp["split"], "--stop-after", "4"));
        Assert.That(code, Is.EqualTo(ExitCodes.Stopped), output);
        string run = TinyCommands.RunIn(temp["split"])!;
        Assert.That(CliApp.Run(["search", "--resume", run]), Is.EqualTo(ExitCodes.Done));
        AssertSameEnd(TinyCommands.RunIn(temp["one"])!, run);

        // And the other way round: started in one process, finished on two ranks.
        Assert.That(CliApp.Run(Search(temp["back"], "--stop-after", "4")), Is.EqualTo(ExitCodes.Stopped));
        string back = TinyCommands.RunIn(temp["back"])!;
        (code, output) = Ranks(2, "search", "--resume", back);
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        AssertSameEnd(TinyCommands.RunIn(temp["one"])!, back);
    }

    /// <summary>SIGKILL of rank 1 in the middle of the search: the launcher ends every rank within seconds, naming the rank, and the last checkpoint resumes.</summary>
    [Test]
    public void AKilledRankEndsTheJobAndTheLastCheckpointResumes()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(Search(temp["one"])), Is.EqualTo(ExitCodes.Done));
        using var job = ParsecProcess.StartRanks(2, Search(temp["split"], "--iterations", "8"));
        job.WaitUntil(() => TinyCommands.MetricsLinesOfSearch(temp["split"]) >= 3, Limit, "its third iteration");
        int rank1 = RankProcess(job.Id, rank: 1);
        Process.GetProcessById(rank1).Kill();
        var clock = Stopwatch.StartNew();
        int code = job.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "every rank stops within seconds");
        Assert.That(code, Is.Not.EqualTo(ExitCodes.Done));
        // The launcher names a process it saw end badly: usually the killed one, but it ends the other with SIGKILL too
        // and sometimes reaps that one first. Either way each rank announced its process, so the name leads to a rank.
        Assert.That(job.Output, Does.Contain($"MPI rank 1 of 2 is process {rank1}"));
        var named = System.Text.RegularExpressions.Regex.Match(job.Output, @"BAD TERMINATION.*?PID (\d+)", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.That(named.Success, Is.True, job.Output);
        Assert.That(job.Output, Does.Match($@"MPI rank [01] of 2 is process {named.Groups[1].Value}\b"),
            "the launcher names a process that ended, which each rank announced with its rank");
        string run = TinyCommands.RunIn(temp["split"])!;
        Assert.That(CliApp.Run(["search", "--resume", run]), Is.EqualTo(ExitCodes.Done));
        AssertSameEnd(TinyCommands.RunIn(temp["one"])!, run);
    }

    /// <summary>The process of one rank among the launcher's descendants: the dotnet process whose environment says PMI_RANK=<paramref name="rank"/>.</summary>
    private static int RankProcess(int launcher, int rank)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            foreach (string dir in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
            {
                try
                {
                    string environment = File.ReadAllText(Path.Combine(dir, "environ"));
                    if (environment.Split('\0').Contains($"PMI_RANK={rank}") && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains("parsec.dll"))
                        return int.Parse(Path.GetFileName(dir));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException($"no process of rank {rank} under launcher {launcher}");
    }
}

/// <summary>
/// A study on two MPI ranks: its trainings go to both ranks from rank 0's queue and give the results of one process;
/// killed part-way, it resumes in one process without repeating a finished training.
/// </summary>
[NonParallelizable] // child processes
public class MpiStudyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    private static string[] Study(string folder) =>
    [
        "study", "--dataset", "textures", "--image-size", "8", "--train-count", "160", "--test-count", "80", "--data-seed", "4",
        "--channels", "4", "--layers", "3", "--search-iterations", "12", "--search-batch-size", "16", "-k", "4", "--weight-samples", "2",
        "--epochs", "1", "--batch-size", "16", "--lr", "0.05", "--random", "2", "--no-published", "--seeds", "1", "--search-seed", "1",
        "--backend", "cpu", "--out", folder,
    ];

    /// <summary>Waits (at most a minute) until every run folder under <paramref name="root"/> can be locked, that is until the killed job's ranks have ended.</summary>
    private static void WaitUntilNoFolderIsHeld(string root)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (string lockFile in Directory.GetFiles(root, Parsec.Search.RunFiles.RunLock.FileName, SearchOption.AllDirectories))
            while (true)
            {
                try
                {
                    using var probe = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                    break;
                }
                catch (FileNotFoundException) { break; }
                catch (IOException) when (clock.Elapsed < TimeSpan.FromMinutes(1)) { Thread.Sleep(100); }
            }
    }

    private static string Results(string folder) =>
        string.Join(";", System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json"))).RootElement.GetProperty("genotypes").EnumerateArray()
            .Select(g => $"{g.GetProperty("name").GetString()}={g.GetProperty("test_accuracies")[0].GetDouble():R}"));

    [Test]
    public void AStudyOnTwoRanksGivesTheResultsOfOneProcessAndResumesInOne()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(Study(temp["one"])), Is.EqualTo(ExitCodes.Done));

        using (var job = ParsecProcess.StartRanks(2, Study(temp["two"])))
        {
            Assert.That(job.WaitForExit(Limit), Is.EqualTo(ExitCodes.Done), job.Output);
            // The 3 trainings came from rank 0's queue, and rank 1 asked for and ran some of them.
            var handed = System.Text.RegularExpressions.Regex.Match(job.Output, @"trainings from rank 0's queue: rank 0 took (\d+), rank 1 took (\d+)");
            Assert.That(handed.Success, Is.True, job.Output);
            Assert.That(int.Parse(handed.Groups[1].Value) + int.Parse(handed.Groups[2].Value), Is.EqualTo(3));
            Assert.That(int.Parse(handed.Groups[2].Value), Is.GreaterThanOrEqualTo(1));
        }
        Assert.That(Results(temp["two"]), Is.EqualTo(Results(temp["one"])));

        // Killed once its first training is done; resumed in one process.
        string split = temp["split"];
        string first = Path.Combine(split, "train", "searched", "seed-0", "result.json");
        using (var job = ParsecProcess.StartRanks(2, Study(split)))
        {
            job.WaitUntil(() => File.Exists(first), Limit, "the first training's result");
            job.Signal("KILL");
            job.WaitForExit(Limit);
        }
        // The launcher is gone at once; its ranks end a moment later, and until then they hold their folders.
        WaitUntilNoFolderIsHeld(split);
        var written = File.GetLastWriteTimeUtc(first);
        Assert.That(CliApp.Run(["study", "--resume", split]), Is.EqualTo(ExitCodes.Done));
        Assert.That(File.GetLastWriteTimeUtc(first), Is.EqualTo(written), "a finished training is not repeated");
        Assert.That(Results(split), Is.EqualTo(Results(temp["one"])));
    }
}
