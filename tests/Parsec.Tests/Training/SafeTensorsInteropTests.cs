using System.Diagnostics;
using System.Text.Json;
using NUnit.Framework;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Training;

/// <summary>
/// A file written here must be readable by a reader that shares no code with ours. The reader is a short
/// Python program following the format description (json + struct, and torch.frombuffer when torch is
/// installed). Without a Python interpreter the test says so; the byte-for-byte layout test in
/// <see cref="SafeTensorsTests"/> still checks the format against the specification.
/// </summary>
[TestFixture]
public class SafeTensorsInteropTests
{
    private const string Python = "/usr/bin/python3";

    private const string Reader = """
        import json, struct, sys
        path = sys.argv[1]
        data = open(path, "rb").read()
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + n].decode("utf-8"))
        base = 8 + n
        out = {"metadata": header.pop("__metadata__", {}), "tensors": {}, "reader": "struct"}
        try:
            import torch
            out["reader"] = "torch " + torch.__version__
        except ImportError:
            torch = None
        for name, info in header.items():
            assert info["dtype"] == "F32", info
            begin, end = info["data_offsets"]
            count = 1
            for d in info["shape"]:
                count *= d
            assert end - begin == 4 * count, (name, begin, end, info["shape"])
            raw = data[base + begin: base + end]
            if torch is not None and count > 0:
                t = torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(info["shape"])
                values = t.flatten().tolist()
            else:
                values = list(struct.unpack("<%df" % count, raw))
            out["tensors"][name] = {"shape": info["shape"], "values": values}
        assert base + max([0] + [v["data_offsets"][1] for v in header.values()]) == len(data)
        print(json.dumps(out))
        """;

    [Test]
    public void AnIndependentPythonReaderReadsWhatWeWrite()
    {
        using var temp = new TempFolder();
        string path = temp["w.safetensors"];
        var rng = new Parsec.Autodiff.Rng(3);
        var tensors = new List<NamedTensor>
        {
            new("stem.0.weight", [4, 3, 3, 3], Enumerable.Range(0, 108).Select(_ => (float)rng.NextGaussian()).ToArray()),
            new("stem.1.running_var", [4], [1f, 2f, 0.5f, 1e-7f]),
            new("classifier.bias", [10], Enumerable.Range(0, 10).Select(i => i * -0.1f).ToArray()),
        };
        SafeTensorsWriter.WriteFile(path, tensors, new Dictionary<string, string> { ["format"] = "test" });

        if (!File.Exists(Python))
        {
            Assert.Warn($"{Python} is not installed: the independent reader did not run (the byte-for-byte layout test still checks the format)");
            return;
        }
        string script = temp["reader.py"];
        File.WriteAllText(script, Reader);
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True, "the Python reader did not finish");
        Assert.That(process.ExitCode, Is.EqualTo(0), stderr);

        using var result = JsonDocument.Parse(stdout);
        var root = result.RootElement;
        TestContext.Out.WriteLine($"read by: {root.GetProperty("reader").GetString()}");
        Assert.That(root.GetProperty("metadata").GetProperty("format").GetString(), Is.EqualTo("test"));
        var read = root.GetProperty("tensors");
        Assert.That(read.EnumerateObject().Count(), Is.EqualTo(tensors.Count));
        foreach (var t in tensors)
        {
            var entry = read.GetProperty(t.Name);
            Assert.That(entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(t.Shape), t.Name);
            // Python floats are doubles: converting back to float must give the exact bits we wrote.
            var values = entry.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            Assert.That(values, Is.EqualTo(t.Data), t.Name);
        }
    }
}
