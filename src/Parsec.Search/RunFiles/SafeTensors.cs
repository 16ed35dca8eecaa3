namespace Parsec.Search.RunFiles;

/// <summary>A named float32 array with its shape: one entry of a safetensors file.</summary>
internal sealed record NamedTensor(string Name, int[] Shape, float[] Data)
{
    public long ElementCount => Parsec.Autodiff.Tensor.ShapeLength(Shape);
}

/// <summary>The content of a safetensors file: tensors in file order plus the free-form string metadata.</summary>
internal sealed class SafeTensorsContent
{
    private readonly Dictionary<string, NamedTensor> _byName;

    public SafeTensorsContent(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!_byName.TryAdd(t.Name, t)) throw new BadInputException($"tensor name '{t.Name}' appears twice");
    }

    public IReadOnlyList<NamedTensor> Tensors { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor called <paramref name="name"/>; <paramref name="source"/> names the file in the error.</summary>
    public NamedTensor Get(string name, string source = "safetensors file") =>
        _byName.TryGetValue(name, out var t) ? t
            : throw new BadInputException($"{source}: no tensor named '{name}' (it holds {Tensors.Count} tensors)");

    public string GetMetadata(string key, string source = "safetensors file") =>
        Metadata.TryGetValue(key, out var v) ? v
            : throw new BadInputException($"{source}: metadata has no '{key}' entry");
}

/// <summary>Constants of the safetensors layout (https://github.com/huggingface/safetensors, "Format").</summary>
internal static class SafeTensorsFormat
{
    /// <summary>The 8-byte little-endian length that precedes the JSON header.</summary>
    public const int LengthPrefixBytes = 8;
    /// <summary>The reference implementation refuses headers above 100 MB; so does this reader.</summary>
    public const long MaxHeaderBytes = 100_000_000;
    /// <summary>The key that holds the string-to-string metadata map instead of a tensor.</summary>
    public const string MetadataKey = "__metadata__";
    public const string Float32 = "F32";
    /// <summary>The reference writer pads the header with spaces so that the data start is 8-byte aligned.</summary>
    public const int HeaderAlignment = 8;
}
