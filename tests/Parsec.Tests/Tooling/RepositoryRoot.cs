using System.Reflection;

namespace Parsec.Tests.Tooling;

/// <summary>Finds the checkout the tests were built from, for tests that run the repository's scripts.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Parsec.sln"))) return dir.FullName;
        // Built into a folder outside the checkout (--artifacts-path): the build recorded where the sources are.
        string? recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Parsec.sln"))) return recorded;
        throw new DirectoryNotFoundException($"no Parsec.sln above {AppContext.BaseDirectory} nor at the recorded source folder '{recorded}'");
    }
}
