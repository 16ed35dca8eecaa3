using System.Text;

namespace Parsec.Cuda.Native;

/// <summary>A native CUDA library could not be loaded: lists every path tried, the loader's reason, and what to install.</summary>
public sealed class NativeLibraryNotFoundException : DllNotFoundException
{
    public NativeLibraryNotFoundException(NativeLibrarySpec library, IReadOnlyList<LoadAttempt> attempts, string? overrideValue)
        : base(Describe(library, attempts, overrideValue))
    {
        Library = library;
        Attempts = attempts;
    }

    public NativeLibrarySpec Library { get; }
    public IReadOnlyList<LoadAttempt> Attempts { get; }

    public static string Describe(NativeLibrarySpec library, IReadOnlyList<LoadAttempt> attempts, string? overrideValue)
    {
        var text = new StringBuilder();
        text.Append($"could not load {library.Description}.");
        if (!string.IsNullOrWhiteSpace(overrideValue))
            text.Append($" {library.EnvironmentVariable}={overrideValue} was set, so only that location was tried.");
        text.AppendLine(" Tried:");
        foreach (var a in attempts) text.AppendLine($"  {a.Path}: {a.Reason}");
        text.Append($"Fix: {library.InstallHint}; or set {library.EnvironmentVariable} to the library file or its folder.");
        return text.ToString();
    }
}
