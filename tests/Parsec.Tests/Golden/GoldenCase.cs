using System.Text.Json;

namespace Parsec.Tests.Golden;

/// <summary>A tensor of a golden fixture: its shape and row-major values (integers, such as labels, arrive as whole doubles).</summary>
public sealed record GoldenTensor(int[] Shape, double[] Data)
{
    public int[] ToInts() => Array.ConvertAll(Data, v => checked((int)v));
}

/// <summary>
/// One case written by tools/golden/make_golden.py: named tensors in sections (see tools/golden/fixture.py for
/// what each section means) and the op's settings. Fixtures are copied next to the test assembly.
/// </summary>
public sealed class GoldenCase
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public required string Name { get; init; }
    public required string Op { get; init; }
    public Dictionary<string, JsonElement> Attrs { get; init; } = [];
    public Dictionary<string, GoldenTensor> Inputs { get; init; } = [];
    public Dictionary<string, GoldenTensor> Params { get; init; } = [];
    public Dictionary<string, GoldenTensor> Buffers { get; init; } = [];
    public Dictionary<string, GoldenTensor> Outputs { get; init; } = [];
    public Dictionary<string, GoldenTensor> Upstream { get; init; } = [];
    public Dictionary<string, GoldenTensor> Grads { get; init; } = [];

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden");

    public static GoldenCase Load(string name)
    {
        string path = Path.Combine(Folder, name + ".json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"golden fixture '{name}' not found at {path}; regenerate with tools/golden/make_golden.py", path);
        var result = JsonSerializer.Deserialize<GoldenCase>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty");
        if (result.Name != name) throw new InvalidDataException($"{path} holds case '{result.Name}', expected '{name}'");
        return result;
    }

    public int Int(string attr) => Attr(attr).GetInt32();
    public string String(string attr) => Attr(attr).GetString() ?? throw new InvalidDataException($"golden case '{Name}': attribute '{attr}' is null");
    public double Double(string attr) => Attr(attr).GetDouble();
    public bool Bool(string attr) => Attr(attr).GetBoolean();
    public double[] Doubles(string attr) => Attr(attr).Deserialize<double[]>() ?? [];

    public JsonElement Attr(string attr) =>
        Attrs.TryGetValue(attr, out var value) ? value
            : throw new KeyNotFoundException($"golden case '{Name}' has no attribute '{attr}' (it has: {string.Join(", ", Attrs.Keys)})");

    public GoldenTensor Input(string name) => Find(Inputs, "input", name);
    public GoldenTensor Param(string name) => Find(Params, "parameter", name);
    public GoldenTensor Buffer(string name) => Find(Buffers, "buffer", name);
    public GoldenTensor Output(string name) => Find(Outputs, "output", name);
    public GoldenTensor UpstreamOf(string output) => Find(Upstream, "upstream gradient", output);

    private GoldenTensor Find(Dictionary<string, GoldenTensor> section, string what, string name) =>
        section.TryGetValue(name, out var t) ? t
            : throw new KeyNotFoundException($"golden case '{Name}' has no {what} '{name}' (it has: {string.Join(", ", section.Keys)})");
}
