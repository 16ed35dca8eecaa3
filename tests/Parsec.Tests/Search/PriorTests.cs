using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Meta;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

internal class PriorTests
{
    private static ArchitecturePrior RandomPrior(TermInputs mode, ulong seed, double scale = 1.5)
    {
        var prior = new ArchitecturePrior(mode);
        var rng = new Rng(seed);
        for (int i = 0; i < prior.Logits.Length; i++) prior.Logits[i] = scale * rng.NextGaussian();
        return prior;
    }

    [Test]
    public void UniformPriorHas168LogitsAndTheEntropyOfIndependentUniformChoices()
    {
        var prior = new ArchitecturePrior();
        Assert.That(prior.Logits, Has.Length.EqualTo(2 * (2 + 2 + 3 + 3 + 4 + 4 + 5 + 5 + 8 * 7)));
        double expected = 2 * (2 * (Math.Log(2) + Math.Log(3) + Math.Log(4) + Math.Log(5)) + 8 * Math.Log(7));
        Assert.That(prior.Entropy(), Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase(TermInputs.Independent)]
    [TestCase(TermInputs.DistinctPerNode)]
    public void SamplingFrequenciesMatchPi(TermInputs mode)
    {
        var prior = RandomPrior(mode, 11);
        const int draws = 20000;
        var rng = new Rng(5);
        var samples = Enumerable.Range(0, draws).Select(_ => prior.ToChoices(prior.Sample(rng))).ToList();
        var set = prior.Distribution;
        for (int block = 0; block < set.BlockCount; block++)
        {
            if (set.DistinctFrom(block) != -1) continue; // checked jointly with the block it depends on below
            Statistics.AssertChiSquare(samples.Select(s => s[block]).ToList(), set.Probabilities(block), $"block {block}");
        }
        if (mode == TermInputs.DistinctPerNode)
        {
            // The second input of node 3 (5 inputs): its pairs with the first input, 20 categories.
            int second = prior.InputBlock(CellType.Normal, 7), first = set.DistinctFrom(second);
            var pairs = new List<(int, int)>();
            for (int a = 0; a < 5; a++) for (int b = 0; b < 5; b++) if (a != b) pairs.Add((a, b));
            var expected = pairs.Select(p => set.Probabilities(first)[p.Item1] * set.ConditionalProbabilities(second, Choice(first, p.Item1))[p.Item2]).ToArray();
            Assert.That(expected.Sum(), Is.EqualTo(1).Within(1e-12));
            Statistics.AssertChiSquare(samples.Select(s => pairs.IndexOf((s[first], s[second]))).ToList(), expected, "input pairs of normal node 3");
            Assert.That(samples.All(s => s[first] != s[second]), Is.True);

            int[] Choice(int block, int value)
            {
                var c = new int[set.BlockCount];
                c[block] = value;
                return c;
            }
        }
    }

    [Test]
    public void MostLikelyArchitectureIsTheArgmaxOfEveryChoice()
    {
        var prior = RandomPrior(TermInputs.Independent, 3);
        var best = prior.MostLikely();
        foreach (var type in CellTypes.All)
            for (int k = 0; k < SearchSpace.Darts.Terms; k++)
            {
                Assert.That(best.Of(type)[k].Op, Is.EqualTo(ArgMax(prior.OpProbabilities(type, k))));
                Assert.That(best.Of(type)[k].Input, Is.EqualTo(ArgMax(prior.InputProbabilities(type, k))));
            }
        var rng = new Rng(9);
        double bestLogP = prior.LogProbability(best);
        for (int i = 0; i < 500; i++) Assert.That(prior.LogProbability(prior.Sample(rng)), Is.LessThanOrEqualTo(bestLogP));
        Assert.That(prior.MostLikelyGenotype(), Is.EqualTo(best.ToGenotype()).Using<Genotype>((a, b) => a.ToJson() == b.ToJson()));

        static int ArgMax(double[] p) => Array.IndexOf(p, p.Max());
    }

    [Test]
    public void DistinctInputsModeIsANormalisedDistributionWithExactEntropyModeAndScore()
    {
        // A small set with a pair constraint, small enough to enumerate.
        var set = new CategoricalSet([3, 4, 4], [-1, -1, 1]);
        var rng = new Rng(1);
        for (int i = 0; i < set.Logits.Length; i++) set.Logits[i] = rng.NextGaussian();
        var all = set.Enumerate().ToList();
        Assert.That(all, Has.Count.EqualTo(3 * 4 * 3));
        Assert.That(all.Sum(a => a.Probability), Is.EqualTo(1).Within(1e-12));
        Assert.That(set.Entropy(), Is.EqualTo(-all.Sum(a => a.Probability * Math.Log(a.Probability))).Within(1e-12));
        var mode = all.MaxBy(a => a.Probability).Choices;
        Assert.That(set.Mode(), Is.EqualTo(mode));

        // The score is the gradient of log p: compare with central differences.
        var choice = all[17].Choices;
        var score = new double[set.Logits.Length];
        set.AddScore(choice, 1.0, score);
        for (int i = 0; i < set.Logits.Length; i++)
        {
            double saved = set.Logits[i], h = 1e-6;
            set.Logits[i] = saved + h; double up = set.LogProbability(choice);
            set.Logits[i] = saved - h; double down = set.LogProbability(choice);
            set.Logits[i] = saved;
            Assert.That(score[i], Is.EqualTo((up - down) / (2 * h)).Within(1e-7), $"logit {i}");
        }
    }

    [Test]
    public void SavedPriorRoundTripsAndTransfersToADeeperWiderNetwork()
    {
        var prior = RandomPrior(TermInputs.DistinctPerNode, 21);
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"pi-{Guid.NewGuid():N}.json");
        try
        {
            PriorJson.Save(prior, path);
            var loaded = PriorJson.Load(path);
            Assert.That(loaded.TermInputs, Is.EqualTo(TermInputs.DistinctPerNode));
            Assert.That(loaded.Logits, Is.EqualTo(prior.Logits), "logits round-trip bit for bit");

            // Same distribution: the same generator state draws the same architectures.
            var a = new Rng(4);
            var b = new Rng(4);
            var drawn = Enumerable.Range(0, 50).Select(_ => loaded.Sample(b)).ToList();
            Assert.That(drawn, Is.EqualTo(Enumerable.Range(0, 50).Select(_ => prior.Sample(a)).ToList()));

            // pi has no depth or width: the architectures it draws run on a deeper, wider network (shapes only).
            using var meta = new MetaBackend();
            var deeper = new NetworkOptions { Channels = 8, Layers = 7, Classes = 5 };
            using var network = Network.CreateShared(meta, deeper, new Rng(1));
            using var images = Tensor.Empty(meta, [2, 3, 16, 16], DType.Float32, BufferCategory.Inputs);
            using var tape = new Tape(meta);
            foreach (var architecture in drawn.Take(5))
            {
                Assert.That(network.Forward(tape, images, architecture, ForwardMode.Training).Logits.Shape, Is.EqualTo(new[] { 2, 5 }));
                tape.Reset();
            }
        }
        finally { File.Delete(path); }
    }

    [TestCase("{", "not a JSON document")]
    [TestCase("{\"format\":\"other\"}", "'format'")]
    [TestCase("{\"format\":\"parsec-prior/1\",\"primitives\":[\"max_pool_3x3\"]}", "'primitives'")]
    public void MalformedPriorFilesAreRejectedWithTheReason(string json, string expected)
    {
        Assert.That(() => PriorJson.FromJson(json, "test.json"), Throws.TypeOf<BadInputException>().With.Message.Contains(expected));
    }

    [Test]
    public void PriorWithAWrongTermShapeIsRejected()
    {
        string json = PriorJson.ToJson(new ArchitecturePrior());
        string broken = json.Replace("\"input_logits\": [\n      [\n        0,\n        0\n      ]", "\"input_logits\": [\n      [\n        0\n      ]");
        Assert.That(broken, Is.Not.EqualTo(json), "the edit must hit the first term's input logits");
        Assert.That(() => PriorJson.FromJson(broken, "test.json"), Throws.TypeOf<BadInputException>().With.Message.Contains("normal.input_logits[0] must hold 2 numbers"));
    }

    /// <summary>A logit of 1e308 parses as a finite number, but no search writes one: the file is refused, naming the entry.</summary>
    [Test]
    public void APriorWithAnAbsurdLogitIsRejected()
    {
        var prior = new ArchitecturePrior();
        prior.Logits[prior.Distribution.Offset(prior.OpBlock(Parsec.Search.Space.CellType.Reduce, 3)) + 2] = 12345;
        string json = PriorJson.ToJson(prior).Replace("12345", "1e308");
        Assert.That(() => PriorJson.FromJson(json, "test.json"), Throws.TypeOf<BadInputException>().With.Message.Contains("reduce.op_logits[3][2] is 1E+308"));
        prior.Logits[prior.Distribution.Offset(prior.OpBlock(Parsec.Search.Space.CellType.Reduce, 3)) + 2] = 999;
        Assert.That(PriorJson.FromJson(PriorJson.ToJson(prior), "test.json").Logits, Is.EqualTo(prior.Logits), "a large but sane logit reads");
    }
}
