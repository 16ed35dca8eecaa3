using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

/// <summary>PARSEC with --pick scored: pi proposes its argmax and draws, the shared weights' log-likelihood picks.</summary>
public class ScoredPickTests
{
    [Test]
    public void TheGenotypeIsTheProposalWithTheHighestSharedWeightLogLikelihoodAndTheFirstProposalIsPisArgmax()
    {
        string root = Directory.CreateTempSubdirectory("parsec-scored-pick-").FullName;
        try
        {
            var options = SearchRunTests.Tiny(8) with { Pick = GenotypePick.Scored, Candidates = 6, CandidateBatches = 2, WarmupFraction = 0.25 };
            var run = RunFolder.CreateNew(root, "scored", DateTime.Now);
            using var backend = new CpuBackend();
            Assert.That(SearchRunner.Start(options, backend, run).Outcome, Is.EqualTo(SearchOutcome.Completed));

            var file = JsonNode.Parse(File.ReadAllText(run.File(CandidateSelection.FileName)))!;
            var candidates = file["candidates"]!.AsArray();
            Assert.That(candidates, Has.Count.EqualTo(6));
            Genotype At(int i) => Genotype.FromJson(candidates[i]!["genotype"]!.ToJsonString());
            var argmax = Derivation.Derive(PriorJson.Load(run.Pi), null).Genotype;
            Assert.That(At(0).ToJson(), Is.EqualTo(argmax.ToJson()), "the first proposal is pi's most likely genotype");
            Assert.That(Enumerable.Range(0, 6).Select(i => At(i).ToJson()), Is.Unique, "proposals are distinct");

            var logLikelihoods = candidates.Select(c => c!["val_log_likelihood"]!.GetValue<double>()).ToList();
            int chosen = file["chosen"]!.GetValue<int>();
            Assert.That(logLikelihoods[chosen], Is.EqualTo(logLikelihoods.Max()));
            Assert.That(Genotype.Load(run.Genotype).ToJson(), Is.EqualTo(At(chosen).ToJson()));
            Assert.That(file["rule"]!.GetValue<string>(), Does.Contain("log-likelihood"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public void TheLogLikelihoodRuleIgnoresAccuracyAndBreaksTiesByProposalOrder()
    {
        var a = new ArchitecturePrior().MostLikely();
        ScoredCandidate C(double accuracy, double logLikelihood) => new(a, new SharedWeightScore(accuracy, logLikelihood, 10));
        Assert.That(CandidateSelection.MostLikelyUnderSharedWeights([C(0.9, -1.2), C(0.5, -1.0), C(0.7, -1.1)]), Is.EqualTo(1));
        Assert.That(CandidateSelection.MostLikelyUnderSharedWeights([C(0.5, -1.0), C(0.9, -1.0)]), Is.EqualTo(0));
    }

    [Test]
    public void AScoredPickIsRefusedWithACostTermOrAnotherStrategy()
    {
        var scored = SearchRunTests.Tiny(4) with { Pick = GenotypePick.Scored };
        Assert.That(() => (scored with { Strategy = SearchStrategy.Darts }).Validate(), Throws.InstanceOf<ArgumentException>().With.Message.Contains("--pick scored"));
        Assert.That(() => (scored with { Cost = Parsec.Search.Cost.CostMeasure.Params, CostTarget = 1000 }).Validate(),
            Throws.InstanceOf<ArgumentException>().With.Message.Contains("--pick scored"));
    }
}
