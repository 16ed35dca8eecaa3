using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Training;

namespace Parsec.Tests.Data;

public class DatasetDefaultsTests
{
    /// <summary>A flip must keep the class: never on digits or on the oriented gratings, where it changes the orientation and so the class.</summary>
    [Test]
    public void AugmentationDefaultsFitEachDataset()
    {
        Assert.That(DatasetAugmentation.For("cifar10", 32), Is.EqualTo(new AugmentationOptions(4, true, 16)), "DARTS' CIFAR setting");
        Assert.That(DatasetAugmentation.For("cifar100", 32), Is.EqualTo(new AugmentationOptions(4, true, 16)));
        Assert.That(DatasetAugmentation.For("mnist", 28).HorizontalFlip, Is.False, "a mirrored digit is another symbol");
        Assert.That(DatasetAugmentation.For("fashion-mnist", 28), Is.EqualTo(new AugmentationOptions(2, true, 0)));
        Assert.That(DatasetAugmentation.For("textures", 16), Is.EqualTo(new AugmentationOptions(2, false, 0)), "a mirrored grating has another orientation");
        Assert.That(DatasetAugmentation.For("distant-pairs", 8), Is.EqualTo(new AugmentationOptions(1, true, 0)));
    }

    [Test]
    public void TrainingTakesTheDatasetDefaultsOnlyWhereTheUserSetNothing()
    {
        var open = new EvaluationOptions();
        Assert.That(() => open.Augmentation, Throws.InvalidOperationException.With.Message.Contains("--crop-padding"));
        Assert.That(open.WithDatasetDefaults("mnist", 28).Augmentation, Is.EqualTo(new AugmentationOptions(2, false, 0)));
        var set = new EvaluationOptions { HorizontalFlip = true, Cutout = 8 };
        Assert.That(set.WithDatasetDefaults("mnist", 28).Augmentation, Is.EqualTo(new AugmentationOptions(2, true, 8)));
    }

    /// <summary>
    /// Debian's dataset-fashion-mnist package (installed by .ci/run) puts the real Fashion-MNIST in
    /// /usr/share/datasets/fashion-mnist; `--dataset fashion-mnist` finds it there without --data-dir.
    /// </summary>
    [Test]
    public void FashionMnistIsFoundWhereItsDebianPackageInstallsIt()
    {
        Assert.That(SystemDatasetFolders.Find(DatasetFormat.FashionMnist), Is.EqualTo("/usr/share/datasets/fashion-mnist"),
            "install it with: apt-get install dataset-fashion-mnist");
        var data = DatasetSplitsLoader.Load(new DatasetSpec("fashion-mnist", TrainCount: 100, TestCount: 50));
        Assert.That(data.Train.Count, Is.EqualTo(100));
        Assert.That(data.Test.Count, Is.EqualTo(50));
        Assert.That(data.Train.ClassNames, Is.EqualTo(MnistDatasets.FashionClassNames));
        Assert.That((data.Channels, data.Height, data.Width), Is.EqualTo((1, 28, 28)));
        Assert.That(SystemDatasetFolders.MissingFolderMessage("fashion-mnist", DatasetFormat.FashionMnist), Does.Contain("apt-get install dataset-fashion-mnist"));
        Assert.That(() => DatasetSplitsLoader.Load(new DatasetSpec("cifar10")), Throws.TypeOf<BadInputException>().With.Message.Contains("--data-dir"));
    }
}
