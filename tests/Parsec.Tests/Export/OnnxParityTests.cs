using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using Onnx;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Files;
using Parsec.Search;
using Parsec.Search.Export;
using Parsec.Search.Predict;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Parsec.Search.Training;

namespace Parsec.Tests.Export;

/// <summary>
/// The exported graph run by ONNX Runtime (CPU) gives the logits of Parsec's evaluation forward on the same
/// batch, within 1e-4 relative, at batch 1 and 7: the published DARTS cells, sampled genotypes, a searched one, and a
/// reduction cell whose skip connections are stride-2 factorized reductions.
/// </summary>
[TestFixture]
public class OnnxParityTests
{
    private const double Tolerance = 1e-4;
    private const int Classes = 5;

    /// <summary>
    /// Every declared primitive at stride 1 in the normal cell (reading the cell inputs and the intermediate nodes) and
    /// at stride 2 in the reduction cell (skip_connect from a cell input becomes a factorized reduction), built from
    /// <see cref="Primitives.All"/>: a newly declared primitive is exported and checked with no test edited. The cells
    /// have as many nodes as it takes for every primitive to appear in each (at least DARTS' four).
    /// </summary>
    internal static readonly Genotype EveryPrimitiveBothStrides = EveryPrimitive();

    private static Genotype EveryPrimitive()
    {
        int count = Primitives.All.Count;
        // A cell has at most 12 terms: beyond 12 primitives one genotype cannot hold them all at both strides.
        Assert.That(count, Is.LessThanOrEqualTo(SearchSpace.MaxNodes * CellLayout.TermsPerNode), "more primitives than a cell's terms: check them over several genotypes");
        var space = new SearchSpace(Primitives.All, Math.Max(SearchSpace.Darts.Nodes, (count + 1) / CellLayout.TermsPerNode));
        int terms = space.Terms;
        string Op(int k) => Primitives.All[k % count];
        // Normal: node j's first term reads its newest input (node j - 1, or c_{k-1} for node 0), its second c_{k-2}.
        var normal = Enumerable.Range(0, terms).Select(k => new GenotypeTerm(Op(k), k % 2 == 0 ? CellLayout.InputsOfTerm(k) - 1 : 0)).ToList();
        // Reduce: every term reads a cell input, so every op runs at stride 2; ops shifted so the cells pair them differently.
        var reduce = Enumerable.Range(0, terms).Select(k => new GenotypeTerm(Op(k + 3), k % 2)).ToList();
        return new Genotype(normal, reduce) { Space = space };
    }

    [TestCase("DARTS_V1", 8, 5, 16)]
    [TestCase("DARTS_V2", 6, 4, 8)]
    public void PublishedDartsCells(string name, int channels, int layers, int side) =>
        CheckParity(PublishedGenotypes.ByName[name], channels, layers, side, seed: 11);

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    public void SampledGenotypes(ulong seed) =>
        CheckParity(new ArchitecturePrior(TermInputs.DistinctPerNode, SearchSpace.Darts).Sample(new Rng(seed)).ToGenotype(), 4, 3, 8, seed);

    /// <summary>The genotype a real (tiny) search derives, read back from its genotype.json as `train` reads it.</summary>
    [Test]
    public void AGenotypeFromASearch()
    {
        using var temp = new Parsec.Tests.Data.TempFolder();
        var options = new Parsec.Search.Loop.SearchOptions
        {
            Dataset = new DatasetSpec("textures", ImageSize: 8, TrainCount: 64), Channels = 4, Layers = 3, BatchSize = 8, Samples = 4, WeightSamples = 2,
            Iterations = 6, Seed = 9,
        };
        var run = Parsec.Search.RunFiles.RunFolder.CreateNew(temp.Path, "search", DateTime.Now);
        using (var searchBackend = new CpuBackend()) Parsec.Search.Loop.SearchRunner.Start(options, searchBackend, run);
        CheckParity(Genotype.Load(run.Genotype), 4, 3, 8, seed: 31);
    }

    [Test]
    public void StrideTwoSkipConnectionsAndEveryPrimitive() => CheckParity(EveryPrimitiveBothStrides, 4, 5, 8, seed: 21);

    [Test]
    public void TheGraphHasASymbolicBatchOpset17AndTheMetadataAndNoAuxiliaryHead()
    {
        using var backend = new CpuBackend();
        var options = ExportFixtures.Options(4, 3);
        using var network = ExportFixtures.RandomNetwork(backend, PublishedGenotypes.DartsV2, options, Classes, seed: 3);
        var info = ModelInfo.From(ExportFixtures.Record(PublishedGenotypes.DartsV2, options, Classes, 8));
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.Build(network, info).ToByteArray());

        Assert.That(model.OpsetImport.Single().Version, Is.GreaterThanOrEqualTo(17));
        Assert.That(model.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam, Is.EqualTo(OnnxExporter.BatchDimension));
        Assert.That(model.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam, Is.EqualTo(OnnxExporter.BatchDimension));
        Assert.That(model.Graph.Initializer.Select(i => i.Name), Has.None.StartsWith("auxiliary_head"));
        Assert.That(network.Parameters.Contains("auxiliary_head.classifier.weight"), Is.True, "the network had an auxiliary head to leave out");
        Assert.That(model.Graph.Node.Select(n => n.OpType), Has.None.EqualTo("Dropout").And.None.EqualTo("RandomUniformLike"));

        using var session = new InferenceSession(model.ToByteArray());
        Assert.That(session.InputMetadata[OnnxExporter.InputName].Dimensions, Is.EqualTo(new[] { -1, 3, 8, 8 }));
        var read = ModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap, "model");
        Assert.That(read.NormalizationMean, Is.EqualTo(ExportFixtures.Mean));
        Assert.That(read.NormalizationStd, Is.EqualTo(ExportFixtures.Std));
        Assert.That(read.ClassNames, Is.EqualTo(info.ClassNames));
        Assert.That(read.ImageShape, Is.EqualTo(new[] { 3, 8, 8 }));
        Assert.That(read.ParsecVersion, Is.EqualTo(ParsecVersionInfo.Current).And.Not.Empty);
        var genotype = Genotype.FromJson(read.GenotypeJson);
        Assert.That(genotype.Normal.SequenceEqual(PublishedGenotypes.DartsV2.Normal) && genotype.Reduce.SequenceEqual(PublishedGenotypes.DartsV2.Reduce), Is.True);
    }

    [Test]
    public void OnlyAFixedNetworkCanBeExported()
    {
        using var backend = new CpuBackend();
        using var shared = Parsec.Search.Model.Network.CreateShared(backend, new() { Channels = 4, Layers = 3, Classes = Classes }, new Rng(1));
        var info = ModelInfo.From(ExportFixtures.Record(PublishedGenotypes.DartsV2, ExportFixtures.Options(4, 3), Classes, 8));
        Assert.That(() => OnnxExporter.Build(shared, info), Throws.ArgumentException.With.Message.Contains("one genotype"));
    }

    private static void CheckParity(Genotype genotype, int channels, int layers, int side, ulong seed)
    {
        using var backend = new CpuBackend();
        var options = ExportFixtures.Options(channels, layers);
        using var network = ExportFixtures.RandomNetwork(backend, genotype, options, Classes, seed);
        var info = ModelInfo.From(ExportFixtures.Record(genotype, options, Classes, side));
        using var exported = OnnxClassifier.FromModel(OnnxExporter.Build(network, info).ToByteArray(), "exported model");
        foreach (int batch in new[] { 1, 7 })
        {
            var images = ExportFixtures.RandomImages(batch, side, seed + (ulong)batch);
            var expected = ExportFixtures.ParsecLogits(network, images, batch, side);
            var actual = exported.Logits(images, batch);
            Assert.That(actual, Has.Length.EqualTo(batch * Classes));
            Assert.That(expected.Max() - expected.Min(), Is.GreaterThan(1e-3), "logits that differ between classes and examples");
            Assert.That(ExportFixtures.MaxRelativeDifference(actual, expected, Classes), Is.LessThan(Tolerance), $"batch {batch}, {genotype}");
        }
    }
}
