using NUnit.Framework;
using Parsec.Search.Data.Files;
using Parsec.Search.Study;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

/// <summary>
/// options.json, study.json and training records written before the dataset became one record (six flat keys) or
/// before subsets were stratified still read, to the data they ran with.
/// </summary>
public class FlatDatasetJsonTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "flat-dataset", name);

    private static readonly DatasetSpec FashionMnist4000 = new("fashion-mnist", Folder: null, ImageSize: 28, TrainCount: 4000, TestCount: null, Seed: 1, Cifar100Coarse: false);
    /// <summary>What the fixtures ran with: they were written before subsets and the search's split were stratified.</summary>
    private static readonly DatasetSpec FashionMnist4000StoredOrder = FashionMnist4000 with { Subset = SubsetRule.First };

    [Test]
    public void AnOptionsFileWithFlatDatasetKeysReadsIntoTheDatasetRecord()
    {
        var options = OptionsFile.Read(Fixture("options.json"));
        Assert.That(options.Dataset, Is.EqualTo(FashionMnist4000StoredOrder));
        Assert.That(options.Split, Is.EqualTo(SubsetRule.First), "a search from before the stratified split resumes on the split it ran with");
        Assert.That(options.Pixels, Is.EqualTo(Parsec.Search.Loop.SearchPixels.Raw), "and on the raw pixels it ran with");
        Assert.That((options.Channels, options.Iterations, options.Samples, options.WeightSamples), Is.EqualTo((8, 300, 16, 4)), "the other options are untouched");
    }

    [Test]
    public void AStudyFileWithFlatDatasetKeysInItsSearchReads()
    {
        var study = StudyJson.Load(Fixture("study.json"));
        Assert.That(study.Data, Is.EqualTo(FashionMnist4000StoredOrder with { ImageSize = 32 }));
        Assert.That(study.Search.Split, Is.EqualTo(SubsetRule.First));
        Assert.That(study.Search.Dataset.Name, Is.EqualTo("textures"), "a study's own search options carry the default dataset; the study's data replaces it when it searches");
        Assert.That(study.Search.Iterations, Is.EqualTo(300));
    }

    [Test]
    public void ATrainingRecordWithoutASubsetRuleReadsAsStoredOrderAndANewOneRoundTrips()
    {
        var record = new Parsec.Search.Training.TrainingRecord
        {
            GenotypeJson = Parsec.Search.Training.PublishedGenotypes.DartsV2.ToJson(), Options = new Parsec.Search.Training.EvaluationOptions(),
            Dataset = FashionMnist4000, NormalizationMean = [0.3f], NormalizationStd = [0.3f], ImageShape = [1, 28, 28], ClassNames = ["a", "b"],
        };
        var metadata = record.ToMetadata();
        Assert.That(Parsec.Search.Training.TrainingRecord.FromMetadata(metadata, "new").Dataset, Is.EqualTo(FashionMnist4000));

        var json = System.Text.Json.Nodes.JsonNode.Parse(metadata[Parsec.Search.Training.TrainingRecord.MetadataKey])!;
        Assert.That(json["dataset"]!.AsObject().Remove(DatasetSpec.SubsetKey), Is.True);
        metadata[Parsec.Search.Training.TrainingRecord.MetadataKey] = json.ToJsonString();
        Assert.That(Parsec.Search.Training.TrainingRecord.FromMetadata(metadata, "old").Dataset, Is.EqualTo(FashionMnist4000StoredOrder));
    }

    [Test]
    public void NestedOptionsRoundTrip()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("parsec-options-").FullName, "options.json");
        var options = new Parsec.Search.Loop.SearchOptions { Dataset = FashionMnist4000 with { Folder = "/data/fm" }, Iterations = 7 };
        OptionsFile.Write(path, options, "cpu", Parsec.Autodiff.Precision.Fp32);
        Assert.That(OptionsFile.Read(path), Is.EqualTo(options));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
