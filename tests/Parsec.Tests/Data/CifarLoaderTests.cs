using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Data.Files;

namespace Parsec.Tests.Data;

[TestFixture]
public class CifarLoaderTests
{
    [Test]
    public void Cifar10LoadsPixelsLabelsAndNamesFromTheArchiveSubfolder()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp["cifar-10-batches-bin"], perBatch: 3, test: 4);

        var data = CifarDatasets.LoadCifar10(temp.Path);

        Assert.That(data.Train.Count, Is.EqualTo(15));
        Assert.That(data.Test.Count, Is.EqualTo(4));
        Assert.That(data.Train.ImageShape, Is.EqualTo(new[] { 3, 32, 32 }));
        Assert.That(data.Classes, Is.EqualTo(10));
        Assert.That(data.Train.ClassNames[9], Is.EqualTo("truck"));
        // Batch files are concatenated in order: image 7 is the second image of data_batch_3.
        Assert.That(data.Train.Label(7), Is.EqualTo(7));
        Assert.That(data.Train.Image(7)[1025], Is.EqualTo(DatasetFiles.Pixel(7, 1025) / 255f));
        Assert.That(data.Test.Image(2)[3071], Is.EqualTo(DatasetFiles.Pixel(1002, 3071) / 255f));
    }

    [Test]
    public void TruncatedRecordIsReportedWithFileRecordAndOffset()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp.Path);
        string path = temp["data_batch_2.bin"];
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var e = Assert.Throws<DataFileException>(() => CifarDatasets.LoadCifar10(temp.Path))!;
        Assert.That(e.FilePath, Is.EqualTo(path));
        Assert.That(e.Offset, Is.EqualTo(2 * 3073));
        Assert.That(e.Message, Does.Contain("data_batch_2.bin").And.Contain("record 2").And.Contain("3073-byte record"));
    }

    [Test]
    public void LabelOutOfRangeNamesRecordAndOffset()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp.Path);
        string path = temp["test_batch.bin"];
        File.WriteAllBytes(path, DatasetFiles.CifarRecords(3, i => [(byte)(i == 1 ? 10 : 0)]));

        var e = Assert.Throws<DataFileException>(() => CifarDatasets.LoadCifar10(temp.Path))!;
        Assert.That(e.Offset, Is.EqualTo(3073));
        Assert.That(e.Message, Does.Contain("test_batch.bin").And.Contain("record 1").And.Contain("label 10 is out of range").And.Contain("0..9"));
    }

    [Test]
    public void EmptyMissingAndMisnamedFilesAreErrors()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp.Path);
        File.WriteAllBytes(temp["data_batch_4.bin"], []);
        Assert.That(() => CifarDatasets.LoadCifar10(temp.Path), Throws.TypeOf<DataFileException>().With.Message.Contains("data_batch_4.bin").And.Message.Contains("empty"));

        File.Delete(temp["data_batch_4.bin"]);
        Assert.That(() => CifarDatasets.LoadCifar10(temp.Path), Throws.TypeOf<BadInputException>().With.Message.Contains("data_batch_4.bin"));

        using var empty = new TempFolder();
        Assert.That(() => CifarDatasets.LoadCifar10(empty.Path), Throws.TypeOf<BadInputException>().With.Message.Contains("test_batch.bin"));
    }

    [Test]
    public void ClassNamesFileWithTheWrongCountIsAnError()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp.Path);
        File.WriteAllLines(temp["batches.meta.txt"], ["cat", "dog"]);
        Assert.That(() => CifarDatasets.LoadCifar10(temp.Path),
            Throws.TypeOf<DataFileException>().With.Message.Contains("batches.meta.txt").And.Message.Contains("expected 10"));
    }

    [Test]
    public void Cifar100ReadsFineOrCoarseLabels()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar100(temp["cifar-100-binary"], train: 5, test: 3);

        var fine = CifarDatasets.LoadCifar100(temp.Path);
        Assert.That(fine.Classes, Is.EqualTo(100));
        Assert.That(fine.Train.AllLabels.ToArray(), Is.EqualTo(new[] { 0, 17, 34, 51, 68 }));
        Assert.That(fine.Test.Image(1)[5], Is.EqualTo(DatasetFiles.Pixel(501, 5) / 255f));

        var coarse = CifarDatasets.LoadCifar100(temp.Path, coarse: true);
        Assert.That(coarse.Classes, Is.EqualTo(20));
        Assert.That(coarse.Train.AllLabels.ToArray(), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void Cifar100LabelsAreCheckedAgainstTheirOwnRanges()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar100(temp.Path);
        File.WriteAllBytes(temp["train.bin"], DatasetFiles.CifarRecords(2, i => [(byte)3, (byte)(i == 1 ? 100 : 5)]));
        Assert.That(() => CifarDatasets.LoadCifar100(temp.Path),
            Throws.TypeOf<DataFileException>().With.Message.Contains("record 1: fine label 100").And.Message.Contains("0..99"));

        File.WriteAllBytes(temp["train.bin"], DatasetFiles.CifarRecords(1, _ => [(byte)20, (byte)5]));
        Assert.That(() => CifarDatasets.LoadCifar100(temp.Path),
            Throws.TypeOf<DataFileException>().With.Message.Contains("coarse label 20").And.Message.Contains("0..19"));
    }

    [Test]
    public void ACifar10FileIsNotReadAsCifar100()
    {
        // 3073-byte records are never a whole number of 3074-byte ones here: the length check refuses the file.
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["train.bin"], DatasetFiles.CifarRecords(3, _ => [(byte)1]));
        File.WriteAllBytes(temp["test.bin"], DatasetFiles.CifarRecords(3, _ => [(byte)1]));
        Assert.That(() => CifarDatasets.LoadCifar100(temp.Path),
            Throws.TypeOf<DataFileException>().With.Message.Contains("not a multiple of the 3074-byte record"));
    }
}
