using System.Reflection;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// The CUDA C++ sources of kernels/, embedded in this assembly as resources named "kernels/&lt;file&gt;" (see the
/// project file). Every .cuh is offered to every .cu as an includable header.
/// </summary>
internal static class KernelSources
{
    private const string Prefix = "kernels/";

    /// <summary>The .cu files, by file name.</summary>
    public static IReadOnlyList<string> Files { get; } = Names(".cu");

    public static KernelSource Load(string file)
    {
        var headers = new Dictionary<string, string>();
        foreach (string h in Names(".cuh")) headers[h] = Read(h);
        return new KernelSource(file, Read(file), headers);
    }

    private static IReadOnlyList<string> Names(string extension) =>
        typeof(KernelSources).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(extension, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Read(string file)
    {
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(Prefix + file)
            ?? throw new FileNotFoundException($"kernel source {file} is not embedded in {typeof(KernelSources).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
