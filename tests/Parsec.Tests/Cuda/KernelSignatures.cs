using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda.Compilation;

namespace Parsec.Tests.Cuda;

/// <summary>One parameter as the ABI sees it: its name (compared without case and underscores) and its kind and width.</summary>
public readonly record struct AbiParameter(string Name, string Type)
{
    public string Key => Name.Replace("_", "").ToLowerInvariant();
    public override string ToString() => $"{Type} {Name}";
}

/// <summary>
/// Reads kernel signatures from the CUDA sources and from the C# launch declarations into one comparable form:
/// pointers, 32- and 64-bit integers, floats and doubles by width, structs by name.
/// </summary>
public static partial class KernelSignatures
{
    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(\w+)\s*\(([^)]*)\)")]
    private static partial Regex KernelPattern();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();

    /// <summary>Every extern "C" kernel of a .cu source, by name.</summary>
    public static Dictionary<string, IReadOnlyList<AbiParameter>> FromCuda(string source)
    {
        var kernels = new Dictionary<string, IReadOnlyList<AbiParameter>>();
        foreach (Match m in KernelPattern().Matches(CommentPattern().Replace(source, " ")))
        {
            string list = m.Groups[2].Value.Trim();
            kernels[m.Groups[1].Value] = list.Length == 0 || list == "void" ? [] : list.Split(',').Select(CudaParameter).ToList();
        }
        return kernels;
    }

    private static AbiParameter CudaParameter(string text)
    {
        bool pointer = text.Contains('*');
        var words = text.Replace("*", " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("const" or "__restrict__" or "volatile")).ToList();
        if (words.Count < 2) throw new FormatException($"cannot read the kernel parameter '{text.Trim()}'");
        string name = words[^1], type = string.Join(' ', words[..^1]);
        if (pointer) return new AbiParameter(name, Pointer);
        return new AbiParameter(name, type switch
        {
            "int" => Int32,
            "i64" or "long long" => Int64,
            "float" => Float32,
            "double" => Float64,
            _ when Regex.IsMatch(type, @"^[A-Za-z_]\w*$") => Struct(type),
            _ => throw new FormatException($"kernel parameter '{text.Trim()}' has a type this check does not know: {type}"),
        });
    }

    /// <summary>The parameters of a C# launch declaration, in order.</summary>
    public static IReadOnlyList<AbiParameter> FromDeclaration(Type declaration) =>
        KernelParameters.Of(declaration).Select(p => new AbiParameter(p.Name, CSharpType(p.Type))).ToList();

    private static string CSharpType(Type t) =>
        t == typeof(DevicePointer) ? Pointer
        : t == typeof(int) ? Int32
        : t == typeof(long) ? Int64
        : t == typeof(float) ? Float32
        : t == typeof(double) ? Float64
        : t.IsValueType && !t.IsPrimitive ? Struct(t.Name)
        : $"{t.Name} (not a kernel parameter type)";

    /// <summary>Every launch declaration in the CUDA backend's assembly.</summary>
    public static IReadOnlyList<Type> Declarations() =>
        typeof(CudaBackend).Assembly.GetTypes()
            .Where(t => t.IsValueType && typeof(IKernelArguments).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

    public static string FileOf(Type declaration) => (string)StaticProperty(declaration, nameof(IKernelArguments.File));

    public static IReadOnlyList<string> FunctionsOf(Type declaration) =>
        (IReadOnlyList<string>)StaticProperty(declaration, nameof(IKernelArguments.Functions));

    private static object StaticProperty(Type t, string name) =>
        t.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
        ?? throw new InvalidOperationException($"{t.Name}.{name} is missing");

    /// <summary>Differences between a kernel's C signature and its declaration; empty when they agree.</summary>
    public static IReadOnlyList<string> Mismatches(IReadOnlyList<AbiParameter> cuda, IReadOnlyList<AbiParameter> declared)
    {
        var problems = new List<string>();
        if (cuda.Count != declared.Count)
            problems.Add($"{cuda.Count} parameters in the kernel, {declared.Count} declared");
        for (int i = 0; i < Math.Min(cuda.Count, declared.Count); i++)
        {
            if (cuda[i].Key != declared[i].Key) problems.Add($"parameter {i} is '{cuda[i].Name}' in the kernel, '{declared[i].Name}' declared");
            if (cuda[i].Type != declared[i].Type) problems.Add($"parameter {i} ({cuda[i].Name}) is {cuda[i].Type} in the kernel, {declared[i].Type} declared");
        }
        return problems;
    }

    public const string Pointer = "pointer (8 bytes)";
    public const string Int32 = "int32 (4 bytes)";
    public const string Int64 = "int64 (8 bytes)";
    public const string Float32 = "float32 (4 bytes)";
    public const string Float64 = "float64 (8 bytes)";
    private static string Struct(string name) => $"struct {name}";
}
