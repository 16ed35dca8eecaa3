using NUnit.Framework;
using Parsec.Search.Data.Files;
using Parsec.Search.Runs;
using Parsec.Search.Study;

namespace Parsec.Tests.Search;

/// <summary>options.json and study.json written when the dataset was six flat keys still read, to the same dataset.</summary>
public class FlatDatasetJsonTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "flat-dataset", name);

    private static readonly DatasetSpec FashionMnist4000 = new("fashion-mnist", Folder: null, ImageSize: 28, TrainCount: 4000, TestCount: null, Seed: 1, Cifar100Coarse: false);

    [Test]
    public void AnOptionsFileWithFlatDatasetKeysReadsIntoTheDatasetRecord()
    {
        var options = OptionsFile.Read(Fixture("options.json"));
        Assert.That(options.Dataset, Is.EqualTo(FashionMnist4000));
        Assert.That((options.Channels, options.Iterations, options.Samples, options.WeightSamples), Is.EqualTo((8, 300, 16, 4)), "the other options are untouched");
    }

    [Test]
    public void AStudyFileWithFlatDatasetKeysInItsSearchReads()
    {
        var study = StudyJson.Load(Fixture("study.json"));
        Assert.That(study.Data.Name, Is.EqualTo("fashion-mnist"));
        Assert.That(study.Search.Dataset.Name, Is.EqualTo("textures"), "a study's own search options carry the default dataset; the study's data replaces it when it searches");
        Assert.That(study.Search.Iterations, Is.EqualTo(300));
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
