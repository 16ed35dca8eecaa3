using Parsec.Search.Model.Layers;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

/// <summary>
/// The network `train` builds from genotype.json computes what the search computed for that architecture: with the
/// shared weights of the architecture's ops copied in, the same batch gives the same logits. Checked in float64 for
/// architectures that between them read every input index of every node with every primitive, in the normal and the
/// reduction cells, through the genotype's JSON (the file `train` reads).
/// </summary>
public class SearchToTrainEquivalenceTests
{
    /// <summary>
    /// Architecture m: node j's terms read inputs m mod (j + 2) and (m + 1) mod (j + 2) (distinct, as DARTS' rule
    /// wants), term k applies primitive (m + k) mod 7. Over m = 0..6 every node reads every input it may read and every
    /// term applies every primitive.
    /// </summary>
    private static IEnumerable<Architecture> Covering(Func<int, bool>? opAllowed = null)
    {
        var ops = Enumerable.Range(0, SearchSpace.Darts.Ops.Count).Where(o => opAllowed?.Invoke(o) ?? true).ToArray();
        for (int m = 0; m < Math.Max(7, ops.Length); m++)
        {
            TermChoice[] Cell() => Enumerable.Range(0, SearchSpace.Darts.Terms).Select(k =>
            {
                int node = CellLayout.NodeOfTerm(k), slot = k % CellLayout.TermsPerNode;
                return new TermChoice((m + slot) % (node + 2), ops[(m + k) % ops.Length]);
            }).ToArray();
            yield return new Architecture(Cell(), Cell());
        }
    }

    private static NetworkOptions Options(NetworkPhase phase) => TinyNetworks.Options(DType.Float64) with { Phase = phase };

    private static readonly Regex Term = new(@"^cells\.(\d+)\.node(\d+)\.term(\d+)\.");

    /// <summary>The fixed network's "cells.c.node{j}.term{t}.op..." is the shared network's "cells.c.node{j}.input{i}.op...", i the term's input.</summary>
    private static string SharedName(Network fixedNet, Architecture architecture, string name)
    {
        var match = Term.Match(name);
        if (!match.Success) return name;
        int cell = int.Parse(match.Groups[1].Value), node = int.Parse(match.Groups[2].Value), slot = int.Parse(match.Groups[3].Value);
        int input = architecture.Of(fixedNet.Cells[cell].Shape.Type)[node * CellLayout.TermsPerNode + slot].Input;
        return Term.Replace(name, $"cells.{cell}.node{node}.input{input}.");
    }

    /// <summary>Copies every weight and buffer of the fixed network from its shared counterpart; <paramref name="skipMissing"/> leaves those the shared network lacks.</summary>
    private static void CopySharedWeights(Network shared, Network fixedNet, Architecture architecture, bool skipMissing = false)
    {
        foreach (var target in fixedNet.Parameters.All)
        {
            string name = SharedName(fixedNet, architecture, target.Name!);
            if (skipMissing && !shared.Parameters.Contains(name)) continue;
            target.Backend.CopyIn(target.Storage, shared.Parameters[name].ToDoubleArray());
        }
    }

    private static double[] Logits(Network network, Tensor images, Architecture architecture)
    {
        using var tape = new Tape(network.Parameters.Backend);
        using var noGrad = tape.NoGrad();
        return network.Forward(tape, images, architecture, ForwardMode.Training).Logits.ToDoubleArray();
    }

    [Test]
    public void TheSearchPhaseNetworkOfAGenotypeFileComputesTheSharedNetworksOutputBitForBit()
    {
        using var backend = TinyNetworks.Cpu();
        var options = Options(NetworkPhase.Search);
        using var shared = Network.CreateShared(backend, options, new Rng(1));
        var (images, _) = TinyNetworks.Batch(backend, options, batch: 5);
        int checkedArchitectures = 0;
        foreach (var architecture in Covering())
        {
            var genotype = Genotype.FromJson(architecture.ToGenotype().ToJson(), "round trip");
            using var fixedNet = Network.CreateFixed(backend, options, genotype, new Rng(2));
            CopySharedWeights(shared, fixedNet, architecture);
            var expected = Logits(shared, images, architecture);
            var actual = Logits(fixedNet, images, Architecture.FromGenotype(genotype));
            Assert.That(actual, Is.EqualTo(expected), $"architecture {architecture}");
            checkedArchitectures++;
        }
        Assert.That(checkedArchitectures, Is.EqualTo(7));
    }

    /// <summary>
    /// `train` builds the evaluation-phase network: affine batch norms (initialised to the identity) and pools without
    /// the batch norm the search puts after them, as DARTS does. Without pools, that network with the shared weights
    /// copied in also computes the search's output: the genotype reaches training with the right inputs and ops.
    /// </summary>
    [Test]
    public void TheEvaluationNetworkOfAPoolFreeGenotypeComputesTheSharedNetworksOutput()
    {
        using var backend = TinyNetworks.Cpu();
        using var shared = Network.CreateShared(backend, Options(NetworkPhase.Search), new Rng(1));
        var evaluation = Options(NetworkPhase.Evaluation);
        var (images, _) = TinyNetworks.Batch(backend, evaluation, batch: 5);
        foreach (var architecture in Covering(op => !SearchSpace.Darts.Ops[op].Contains("pool")))
        {
            var genotype = Genotype.FromJson(architecture.ToGenotype().ToJson(), "round trip");
            using var fixedNet = Network.CreateFixed(backend, evaluation, genotype, new Rng(2));
            // The affine parameters exist only in the evaluation network: they stay at their initial identity.
            var affine = fixedNet.Parameters.All.Where(p => !shared.Parameters.Contains(SharedName(fixedNet, architecture, p.Name!))).ToList();
            Assert.That(affine, Is.Not.Empty);
            Assert.That(affine.Select(p => p.Name), Has.All.Match(@"\.(weight|bias)$"));
            foreach (var p in affine)
                Assert.That(p.ToDoubleArray(), Has.All.EqualTo(p.Name!.EndsWith(".weight") ? 1.0 : 0.0), p.Name);
            CopySharedWeights(shared, fixedNet, architecture, skipMissing: true);
            Assert.That(Logits(fixedNet, images, Architecture.FromGenotype(genotype)), Is.EqualTo(Logits(shared, images, architecture)).Within(1e-12),
                $"architecture {architecture}");
        }
    }
}
