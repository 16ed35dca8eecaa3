using Google.Protobuf;
using Onnx;

namespace Parsec.Search.Export;

/// <summary>
/// Accumulates an ONNX graph: float initializers (weights), nodes with their attributes, and unique value
/// names. Each node's output is named after the node, so a graph viewer shows where every value comes from.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, int> _nameUses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    public GraphProto Graph => _graph;

    /// <summary>A float initializer; weights keep their Parsec name, so the ONNX file can be matched with the weights file.</summary>
    public string Initializer(string name, IReadOnlyList<int> shape, float[] values)
    {
        if (!_initializers.Add(name)) return name;
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape.Select(d => (long)d));
        var bytes = new byte[values.Length * sizeof(float)];
        // ONNX stores raw data little-endian, which is what BlockCopy writes on every platform .NET runs on here.
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A 1-D int64 initializer (the starts, ends and axes of a Slice).</summary>
    public string Int64Initializer(string name, params long[] values)
    {
        name = Unique(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        _initializers.Add(name);
        return name;
    }

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Unique(name);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public void Input(string name, int elementType, IEnumerable<object> dims) => _graph.Input.Add(ValueInfo(name, elementType, dims));

    public void Output(string name, int elementType, IEnumerable<object> dims) => _graph.Output.Add(ValueInfo(name, elementType, dims));

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A tensor's type with fixed sizes (int) and named symbolic ones (string), e.g. ("batch", 3, 32, 32).</summary>
    private static ValueInfoProto ValueInfo(string name, int elementType, IEnumerable<object> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => throw new ArgumentException($"a dimension is a size (int) or a symbol (string), got {d}"),
            });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }

    private string Unique(string name)
    {
        int uses = _nameUses.GetValueOrDefault(name);
        _nameUses[name] = uses + 1;
        return uses == 0 ? name : $"{name}_{uses}";
    }
}
