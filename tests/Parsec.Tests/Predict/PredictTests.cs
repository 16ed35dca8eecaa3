using Parsec.Search;
using Google.Protobuf;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Cli;
using Parsec.Search.Export;
using Parsec.Search.Predict;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Export;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Parsec.Tests.Predict;

/// <summary>`parsec predict` on PNG and JPEG files written here, through Parsec's engine and through ONNX Runtime.</summary>
[TestFixture]
public class PredictTests
{
    private const int Side = 8, Classes = 4;

    [Test]
    public void WeightsAndOnnxModelGiveTheSamePredictionsAndABrokenFileIsReportedByName()
    {
        using var temp = new TempFolder();
        var (run, onnx) = WriteModels(temp);
        var files = PredictionImage.Expand([WriteImages(temp.Folder("images"))]);
        Assert.That(files.Select(Path.GetFileName), Is.EqualTo(new[] { "a.png", "b.jpg", "broken.png", "c.png", "truncated.png" }), "folders give their image files in order; notes.txt is left out");

        using var backend = new CpuBackend();
        using var parsec = ParsecClassifier.Load(backend, run);
        using var exported = OnnxClassifier.Load(onnx);
        var fromWeights = Predictor.Run(parsec, files, topK: 3, batchSize: 2);
        var fromOnnx = Predictor.Run(exported, files, topK: 3, batchSize: 3);

        foreach (var predictions in new[] { fromWeights, fromOnnx })
        {
            Assert.That(predictions.Select(p => p.File), Is.EqualTo(files));
            var failed = predictions.Where(p => p.Failed).ToList();
            Assert.That(failed.Select(p => Path.GetFileName(p.File)), Is.EqualTo(new[] { "broken.png", "truncated.png" }));
            Assert.That(failed[0].Error, Does.StartWith(failed[0].File + ": ").And.Contain("not a readable image"));
            Assert.That(failed[1].Error, Does.StartWith(failed[1].File + ": "));
            foreach (var p in predictions.Where(p => !p.Failed))
            {
                Assert.That(p.Top, Has.Count.EqualTo(3));
                Assert.That(p.Top.Select(s => s.Probability), Is.Ordered.Descending);
                Assert.That(p.Top.Sum(s => s.Probability), Is.LessThanOrEqualTo(1 + 1e-9).And.GreaterThan(3.0 / Classes - 1e-9));
            }
        }
        for (int i = 0; i < files.Count; i++)
            for (int r = 0; r < fromWeights[i].Top.Count; r++)
            {
                Assert.That(fromOnnx[i].Top[r].Class, Is.EqualTo(fromWeights[i].Top[r].Class), files[i]);
                Assert.That(fromOnnx[i].Top[r].Probability, Is.EqualTo(fromWeights[i].Top[r].Probability).Within(1e-4), files[i]);
            }
    }

    [Test]
    public void AnImageIsScaledAndNormalisedAsInTraining()
    {
        using var temp = new TempFolder();
        var (run, _) = WriteModels(temp);
        var rgb = new Rgb24[Side * Side];
        for (int p = 0; p < rgb.Length; p++) rgb[p] = new Rgb24((byte)(p * 4), (byte)(255 - p * 3), (byte)(p * 7 % 256));
        using (var image = Image.LoadPixelData(rgb, Side, Side)) image.SaveAsPng(temp["exact.png"]);

        // What the network sees: planes of (value / 255 - mean) / std.
        var expected = new float[3 * Side * Side];
        for (int p = 0; p < rgb.Length; p++)
        {
            byte[] channels = [rgb[p].R, rgb[p].G, rgb[p].B];
            for (int c = 0; c < 3; c++) expected[c * rgb.Length + p] = (channels[c] / 255f - ExportFixtures.Mean[c]) / ExportFixtures.Std[c];
        }
        using var backend = new CpuBackend();
        using var model = ParsecClassifier.Load(backend, run);
        var read = new float[expected.Length];
        PredictionImage.Read(temp["exact.png"], model.Info.ImageShape, model.Info.Normalization, read);
        Assert.That(read, Is.EqualTo(expected).Within(1e-6));

        var top = Predictor.Run(model, [temp["exact.png"]], topK: Classes).Single().Top;
        var direct = Predictor.Top(model.Logits(expected, 1), model.Info.ClassNames, Classes);
        Assert.That(top.Select(s => s.Class), Is.EqualTo(direct.Select(s => s.Class)));
        Assert.That(top.Select(s => s.Probability), Is.EqualTo(direct.Select(s => s.Probability)).Within(1e-6));
        Assert.That(top.Sum(s => s.Probability), Is.EqualTo(1).Within(1e-9), "all classes listed: the probabilities sum to 1");
    }

    [Test]
    public void AOneChannelModelReadsGreyLevels()
    {
        using var temp = new TempFolder();
        var grey = new L8[Side * Side];
        for (int p = 0; p < grey.Length; p++) grey[p] = new L8((byte)(p * 3));
        using (var image = Image.LoadPixelData(grey, Side, Side)) image.SaveAsPng(temp["grey.png"]);

        var read = new float[Side * Side];
        PredictionImage.Read(temp["grey.png"], [1, Side, Side], new([0.5f], [0.25f]), read);
        Assert.That(read, Is.EqualTo(grey.Select(g => (g.PackedValue / 255f - 0.5f) / 0.25f)).Within(1e-5));
    }

    [Test]
    public void TheCommandWritesEveryFileToTheCsvAndFailsWhenOneCannotBeRead()
    {
        using var temp = new TempFolder();
        var (run, onnx) = WriteModels(temp);
        string images = WriteImages(temp.Folder("my images"));
        string csv = temp["out/predictions.csv"];
        Directory.CreateDirectory(temp["out"]);

        Assert.That(CliApp.Run(["predict", onnx, images, "--top", "2", "--out", csv]), Is.EqualTo(CliApp.UsageError), "two files could not be read");
        var lines = File.ReadAllLines(csv);
        Assert.That(lines[0], Is.EqualTo("file,class_1,probability_1,class_2,probability_2,error"));
        Assert.That(lines, Has.Length.EqualTo(6));
        Assert.That(lines.Single(l => l.Contains("broken.png")), Does.Match("^\"?[^,]*broken.png\"?,,,,,.*not a readable image"));
        Assert.That(lines.Single(l => l.Contains("truncated.png")), Does.Match("^\"?[^,]*truncated.png\"?,,,,,.+"));
        foreach (string line in lines.Skip(1).Where(l => !l.Contains("broken.png") && !l.Contains("truncated.png")))
            Assert.That(line, Does.Match(@"^[^,]+,class_\d,0\.\d{6},class_\d,0\.\d{6},$"));

        Assert.That(CliApp.Run(["predict", run, Path.Combine(images, "a.png"), Path.Combine(images, "b.jpg"), "--backend", "cpu"]), Is.EqualTo(CliApp.Success));
        Assert.That(CliApp.Run(["predict", run, temp["missing.png"]]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["predict", temp["missing.onnx"], images]), Is.EqualTo(CliApp.UsageError));
        File.WriteAllText(temp["fake.onnx"], "not a model");
        Assert.That(CliApp.Run(["predict", temp["fake.onnx"], images]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["predict", onnx]), Is.EqualTo(CliApp.UsageError), "no images named");
    }

    [Test]
    public void LogitsAreWrittenForEveryClassAndTheirSoftmaxIsTheProbability()
    {
        using var temp = new TempFolder();
        var (run, onnx) = WriteModels(temp);
        string images = WriteImages(temp.Folder("images"));
        string[] good = [Path.Combine(images, "a.png"), Path.Combine(images, "c.png")];
        string[] names;
        using (var backend = new CpuBackend())
        using (var model = ParsecClassifier.Load(backend, run))
            names = model.Info.ClassNames;
        string ClassName(int c) => names[c];
        var fromModels = new List<double[][]>();
        foreach (string model in new[] { run, onnx })
        {
            string csv = temp[$"{Path.GetFileName(model)}.csv"];
            Assert.That(CliApp.Run(["predict", model, .. good, "--top", "1", "--logits", "--backend", "cpu", "--out", csv]), Is.EqualTo(CliApp.Success));
            var lines = File.ReadAllLines(csv);
            var header = lines[0].Split(',');
            Assert.That(header, Is.EqualTo(new[] { "file", "class_1", "probability_1" }.Concat(Enumerable.Range(0, Classes).Select(c => $"logit_{ClassName(c)}")).Append("error")));
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.That(rows, Has.Count.EqualTo(2));
            var logits = rows.Select(r => r.Skip(3).Take(Classes).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
            for (int i = 0; i < rows.Count; i++)
            {
                var exp = logits[i].Select(v => Math.Exp(v - logits[i].Max())).ToArray();
                int best = Array.IndexOf(logits[i], logits[i].Max());
                Assert.That(rows[i][1], Is.EqualTo(ClassName(best)), "the top class has the largest logit");
                Assert.That(double.Parse(rows[i][2], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(exp[best] / exp.Sum()).Within(1e-6));
            }
            fromModels.Add(logits);
        }
        for (int i = 0; i < 2; i++)
            Assert.That(fromModels[1][i], Is.EqualTo(fromModels[0][i]).Within(1e-3), "the engine and ONNX Runtime give the same logits");
    }

    /// <summary>
    /// Hostile files in a folder cost one line each, never the whole run: a link to nothing, a link to itself, and a
    /// PNG whose header announces 20000x20000 pixels (1.2 GB decoded) are each reported by name, refused before any
    /// decoding, while the good image is predicted.
    /// </summary>
    [Test]
    public void LinksToNothingOrToThemselvesAndHugeImagesAreReportedFileByFile()
    {
        using var temp = new TempFolder();
        var (_, onnx) = WriteModels(temp);
        string folder = temp.Folder("hostile");
        File.Copy(Path.Combine(WriteImages(temp.Folder("good")), "a.png"), Path.Combine(folder, "a.png"));
        File.CreateSymbolicLink(Path.Combine(folder, "dangling.png"), Path.Combine(folder, "nowhere.png"));
        File.CreateSymbolicLink(Path.Combine(folder, "loop.png"), Path.Combine(folder, "loop.png"));
        File.WriteAllBytes(Path.Combine(folder, "huge.png"), PngHeader(20000, 20000));
        string csv = temp["predictions.csv"];

        var (code, output) = Tooling.CapturedCli.Run("predict", onnx, folder, "--out", csv);

        Assert.That(code, Is.EqualTo(CliApp.UsageError), output);
        Assert.That(output, Does.Contain("3 of 4 file(s) could not be read"));
        var lines = File.ReadAllLines(csv);
        Assert.That(lines.Single(l => l.Contains("a.png")), Does.Match(@",class_\d,0\.\d{6},"), "the good image is predicted");
        Assert.That(lines.Single(l => l.Contains("dangling.png")), Does.Contain("cannot be read").Or.Contain("not found"));
        Assert.That(lines.Single(l => l.Contains("loop.png")), Does.Contain("cannot be read").Or.Contain("not found"));
        Assert.That(lines.Single(l => l.Contains("huge.png")), Does.Contain("20000x20000 pixels"));
    }

    /// <summary>
    /// A real 20000x20000 PNG (1.1 MB on disk, all black rows, 1.2 GB once decoded) beside good images: predicting the
    /// folder allocates well under 300 MB, because the header is read before anything is decoded.
    /// </summary>
    [Test]
    public void AHugeImageIsRefusedFromItsHeaderWithoutDecodingIt()
    {
        using var temp = new TempFolder();
        var (_, onnx) = WriteModels(temp);
        string folder = temp.Folder("huge");
        File.Copy(Path.Combine(WriteImages(temp.Folder("good")), "a.png"), Path.Combine(folder, "a.png"));
        using (var file = File.Create(Path.Combine(folder, "huge.png")))
            WriteBlackPng(file, 20000, 20000);
        using var model = OnnxClassifier.Load(onnx);
        var files = PredictionImage.Expand([folder]);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var predictions = Predictor.Run(model, files, 2);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That(predictions.Single(p => p.File.EndsWith("huge.png")).Error, Does.Contain("20000x20000"));
        Assert.That(predictions.Single(p => p.File.EndsWith("a.png")).Failed, Is.False);
        Assert.That(allocated, Is.LessThan(300L << 20), $"{allocated >> 20} MiB allocated");
    }

    /// <summary>A valid RGB PNG of black pixels, its rows compressed as they are written (a few MB of memory at most).</summary>
    private static void WriteBlackPng(Stream output, int width, int height)
    {
        void Chunk(string type, byte[] data)
        {
            var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
            output.Write(BitConverter.GetBytes(data.Length).Reverse().ToArray());
            output.Write(typeBytes);
            output.Write(data);
            output.Write(BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32([.. typeBytes, .. data])).Reverse().ToArray());
        }
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk("IHDR", [.. BitConverter.GetBytes(width).Reverse(), .. BitConverter.GetBytes(height).Reverse(), 8, 2, 0, 0, 0]);
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + 3 * width];
            for (int y = 0; y < height; y++) zlib.Write(row);
        }
        Chunk("IDAT", compressed.ToArray());
        Chunk("IEND", []);
    }

    /// <summary>
    /// An exported model carries a checksum of its weights and a description of its input and output: a flipped
    /// weight byte, or metadata that disagrees with the graph (image shape, class count), is refused when the model is
    /// loaded, naming the file, instead of giving wrong predictions with exit 0.
    /// </summary>
    [Test]
    public void AnOnnxModelWithChangedWeightsOrMetadataThatDisagreesWithItsGraphIsRefused()
    {
        using var temp = new TempFolder();
        var (_, onnx) = WriteModels(temp);
        var model = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        Assert.That(model.MetadataProps.Select(p => p.Key), Has.Member(Parsec.Search.Export.InitializerChecksum.Key));
        using (OnnxClassifier.Load(onnx)) { }

        string Tampered(string name, Action<Onnx.ModelProto> change)
        {
            var copy = model.Clone();
            change(copy);
            string path = temp[name];
            File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(copy));
            return path;
        }
        string flipped = Tampered("flipped.onnx", m =>
        {
            var weight = m.Graph.Initializer.First(t => t.RawData.Length > 16);
            var bytes = weight.RawData.ToByteArray();
            bytes[7] ^= 0x10;
            weight.RawData = Google.Protobuf.ByteString.CopyFrom(bytes);
        });
        Assert.That(() => OnnxClassifier.Load(flipped), Throws.TypeOf<BadInputException>().With.Message.Contains("flipped.onnx").And.Message.Contains("checksum"));

        string shape = Tampered("shape.onnx", m => m.MetadataProps.Single(p => p.Key == Parsec.Search.Export.ModelInfo.ImageShapeKey).Value = "[3,16,16]");
        Assert.That(() => OnnxClassifier.Load(shape), Throws.TypeOf<BadInputException>().With.Message.Contains("shape.onnx").And.Message.Contains("parsec.image_shape"));

        string classes = Tampered("classes.onnx", m => m.MetadataProps.Single(p => p.Key == Parsec.Search.Export.ModelInfo.ClassNamesKey).Value = "[\"a\",\"b\"]");
        Assert.That(() => OnnxClassifier.Load(classes), Throws.TypeOf<BadInputException>().With.Message.Contains("classes.onnx").And.Message.Contains("names 2 classes"));

        var (code, output) = Tooling.CapturedCli.Run("predict", flipped, Path.Combine(WriteImages(temp.Folder("images")), "a.png"));
        Assert.That(code, Is.EqualTo(CliApp.UsageError));
        Assert.That(output, Does.Contain("flipped.onnx"));
    }

    /// <summary>A PNG signature and header chunk announcing <paramref name="width"/> x <paramref name="height"/> RGB pixels, then an empty image.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        static byte[] Chunk(string type, byte[] data)
        {
            var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
            var length = BitConverter.GetBytes(data.Length).Reverse().ToArray();
            var crc = BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32([.. typeBytes, .. data])).Reverse().ToArray();
            return [.. length, .. typeBytes, .. data, .. crc];
        }
        byte[] header = [.. BitConverter.GetBytes(width).Reverse(), .. BitConverter.GetBytes(height).Reverse(), 8, 2, 0, 0, 0];
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IEND", [])];
    }

    /// <summary>A weights file as `parsec train` writes it (in a run folder) and its ONNX export.</summary>
    private static (string Run, string Onnx) WriteModels(TempFolder temp)
    {
        using var backend = new CpuBackend();
        var options = ExportFixtures.Options(4, 3);
        using var network = ExportFixtures.RandomNetwork(backend, PublishedGenotypes.DartsV2, options, Classes, seed: 17);
        var record = ExportFixtures.Record(PublishedGenotypes.DartsV2, options, Classes, Side);
        string run = temp.Folder("run");
        EvaluationCheckpoint.Save(Path.Combine(run, EvaluationCheckpoint.WeightsFileName), network, null, record);
        string onnx = temp["model.onnx"];
        File.WriteAllBytes(onnx, OnnxExporter.Build(network, ModelInfo.From(record)).ToByteArray());
        return (run, onnx);
    }

    /// <summary>PNGs at the training size and larger (resized), a JPEG, a file that is no image, a PNG cut short, and a text file.</summary>
    internal static string WriteImages(string folder)
    {
        Save("a.png", 8, seed: 1, jpeg: false);
        Save("b.jpg", 12, seed: 2, jpeg: true);
        Save("c.png", 20, seed: 3, jpeg: false);
        File.WriteAllBytes(Path.Combine(folder, "broken.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        byte[] png = File.ReadAllBytes(Path.Combine(folder, "c.png"));
        File.WriteAllBytes(Path.Combine(folder, "truncated.png"), png[..(png.Length / 2)]);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        return folder;

        void Save(string name, int side, int seed, bool jpeg)
        {
            var random = new Random(seed);
            var pixels = new Rgb24[side * side];
            for (int p = 0; p < pixels.Length; p++) pixels[p] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            using var image = Image.LoadPixelData(pixels, side, side);
            string path = Path.Combine(folder, name);
            if (jpeg) image.SaveAsJpeg(path);
            else image.SaveAsPng(path);
        }
    }
}
