namespace Parsec.Tests.Tooling;

/// <summary>Finds the checkout the tests were built from, for tests that run the repository's scripts.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Parsec.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Parsec.sln above {AppContext.BaseDirectory}");
    }
}
