using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Loop;
using Parsec.Search.Runs;

namespace Parsec.Tests.Search;

[Explicit]
public class ScratchExperiment
{
    [Test]
    public void Run()
    {
        string spec = Environment.GetEnvironmentVariable("EXP") ?? "";
        var kv = spec.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=')).ToDictionary(a => a[0], a => a[1]);
        string Get(string k, string d) => kv.TryGetValue(k, out var v) ? v : d;
        var options = new SearchOptions
        {
            Dataset = Get("data", "textures"), DataCount = int.Parse(Get("n", "1000")), ImageSize = int.Parse(Get("size", "16")),
            Channels = int.Parse(Get("c", "8")), Layers = int.Parse(Get("l", "5")), BatchSize = int.Parse(Get("b", "32")),
            Iterations = int.Parse(Get("it", "20")), Samples = int.Parse(Get("k", "4")), PriorLearningRate = double.Parse(Get("plr", "0.03")),
            LikelihoodScale = double.Parse(Get("ls", "1")), WeightLearningRate = double.Parse(Get("lr", "0.025")),
            CheckpointEvery = 100000, Seed = ulong.Parse(Get("seed", "0")),
        };
        using var backend = new CpuBackend();
        var run = RunFolder.CreateNew("/tmp/scratch-runs", "exp", DateTime.Now);
        var result = SearchRunner.Start(options, backend, run, new Printer());
        TestContext.Out.WriteLine($"done {result.Elapsed.TotalSeconds:0.0}s entropy {result.PiEntropy:0.000} / {result.UniformPiEntropy:0.000} {result.MostLikely}");
        var prior = Parsec.Search.Prior.PriorJson.Load(run.Pi);
        foreach (var type in Parsec.Search.Space.CellTypes.All)
        {
            var mean = new double[7];
            for (int k = 0; k < 8; k++) { var p = prior.OpProbabilities(type, k); for (int o = 0; o < 7; o++) mean[o] += p[o] / 8; }
            TestContext.Out.WriteLine($"{type}: " + string.Join(" ", Parsec.Search.Space.Primitives.All.Select((n, o) => $"{n}={mean[o]:0.000}")));
        }
    }

    private sealed class Printer : ISearchProgress
    {
        public void Started(int completed, int total) { }
        public void IterationCompleted(IterationMetrics m, int total)
        {
            if (m.Iteration % 10 == 0 || m.Iteration < 4)
                TestContext.Out.WriteLine($"{m.Iteration} ep{m.Epoch} lr {m.LearningRate:0.0000} train {m.TrainLoss:0.000}/{m.TrainAccuracy:0.00} val {m.ValLoss:0.000}/{m.ValAccuracy:0.00} H(w) {m.WeightEntropy:0.00} H(wv) {m.ValWeightEntropy:0.00} pi {m.PiEntropy:0.000} {m.StepMilliseconds:0}ms mem {m.MemoryMib:0}");
        }
    }
}
