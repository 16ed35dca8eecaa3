using NUnit.Framework;

namespace Parsec.Tests.Layering;

/// <summary>
/// The folders of Parsec.Search in one direction, from the command line down to the run files: a folder may use the
/// folders below it and never one above it, so there is no cycle between folders. A sub-folder (Data.Files,
/// Cli.Console, Model.Ops) is part of its folder. The order is the README's (Layout); the dependencies are read from
/// the compiled program, so a use through a lambda, a generic argument or an attribute counts too.
/// </summary>
[TestFixture]
public class FolderOrderTests
{
    /// <summary>Top to bottom; "" is the root namespace (the version).</summary>
    public static readonly string[] Order =
    [
        "Cli", "Bench", "Study", "Predict", "Export", "Training", "Loop", "Memory", "Cost", "Reports", "Estimator", "Prior",
        "Model", "Space", "Data", "Distributed", "Flags", "RunFiles", "",
    ];

    private static string Assembly => typeof(Parsec.Search.Cli.CliApp).Assembly.Location;

    [Test]
    public void NoFolderUsesAFolderAboveIt()
    {
        var against = Against(FolderDependencies.Of(Assembly, "Parsec.Search"), Order);
        Assert.That(against, Is.Empty, "uses against the order (folder: type uses folder: type):\n" + string.Join("\n", against));
    }

    [Test]
    public void EveryFolderIsInTheOrder()
    {
        var folders = FolderDependencies.Of(Assembly, "Parsec.Search").SelectMany(u => new[] { u.From, u.To }).Select(TopFolder).Distinct();
        Assert.That(folders.Where(f => !Order.Contains(f)), Is.Empty, "a new folder needs its place in the order");
    }

    /// <summary>The check itself catches a use against the order: a Loop type that names a Study type is reported with both names.</summary>
    [Test]
    public void AUseAgainstTheOrderIsNamed()
    {
        var uses = new[]
        {
            new FolderDependencies.Use("Loop", "Parsec.Search.Loop.SearchRunner", "Study", "Parsec.Search.Study.StudyResult"),
            new FolderDependencies.Use("Study", "Parsec.Search.Study.StudyRunner", "Loop", "Parsec.Search.Loop.SearchRunner"),
            new FolderDependencies.Use("Data.Files", "Parsec.Search.Data.Files.X", "Data.Pipeline", "Parsec.Search.Data.Pipeline.Y"),
        };
        Assert.That(Against(uses, Order), Is.EqualTo(new[] { "Loop: Parsec.Search.Loop.SearchRunner uses Study: Parsec.Search.Study.StudyResult" }));
    }

    /// <summary>
    /// Inside a folder too, its sub-folders and its own files (the folder's root namespace) use each other in one
    /// direction: no cycle among them (Data, Data.Files, Data.Pipeline, Data.Generated; Cli, Cli.Console, ...).
    /// </summary>
    [Test]
    public void NoCycleBetweenTheSubFoldersOfAFolder()
    {
        var cycles = Cycles(FolderDependencies.Of(Assembly, "Parsec.Search"));
        Assert.That(cycles, Is.Empty, "cycles between sub-folders (each with one use that closes it):\n" + string.Join("\n", cycles));
    }

    /// <summary>The check itself finds a cycle between a folder's sub-folders and names the uses that make it.</summary>
    [Test]
    public void ACycleBetweenSubFoldersIsNamed()
    {
        var uses = new[]
        {
            new FolderDependencies.Use("Data.Files", "Parsec.Search.Data.Files.X", "Data.Pipeline", "Parsec.Search.Data.Pipeline.Y"),
            new FolderDependencies.Use("Data.Pipeline", "Parsec.Search.Data.Pipeline.Z", "Data.Files", "Parsec.Search.Data.Files.W"),
            new FolderDependencies.Use("Data.Pipeline", "Parsec.Search.Data.Pipeline.Z", "Data", "Parsec.Search.Data.V"),
        };
        Assert.That(Cycles(uses), Is.EqualTo(new[]
        {
            "Data.Files -> Data.Pipeline -> Data.Files: Parsec.Search.Data.Files.X uses Parsec.Search.Data.Pipeline.Y; Parsec.Search.Data.Pipeline.Z uses Parsec.Search.Data.Files.W",
        }));
    }

    /// <summary>Each cycle among the sub-folders of one top folder, found by a depth-first search from each sub-folder in name order, once.</summary>
    private static List<string> Cycles(IEnumerable<FolderDependencies.Use> uses)
    {
        var inside = uses.Where(u => u.From != u.To && TopFolder(u.From) == TopFolder(u.To)).ToList();
        var edges = inside.GroupBy(u => u.From).ToDictionary(g => g.Key, g => g.Select(u => u.To).Distinct().Order(StringComparer.Ordinal).ToList());
        var example = inside.GroupBy(u => (u.From, u.To)).ToDictionary(g => g.Key, g => g.OrderBy(u => u.FromType, StringComparer.Ordinal).ThenBy(u => u.ToType, StringComparer.Ordinal).First());
        var found = new List<string>();
        var seen = new HashSet<string>();
        foreach (string start in edges.Keys.Order(StringComparer.Ordinal))
        {
            var path = new List<string> { start };
            Walk(start);
            void Walk(string node)
            {
                foreach (string next in edges.GetValueOrDefault(node, []))
                {
                    if (next == start)
                    {
                        var cycle = path.Append(start).ToList();
                        string key = string.Join(",", cycle.Skip(1).Order(StringComparer.Ordinal));
                        if (seen.Add(key))
                            found.Add($"{string.Join(" -> ", cycle)}: " + string.Join("; ", cycle.Zip(cycle.Skip(1), (a, b) => $"{example[(a, b)].FromType} uses {example[(a, b)].ToType}")));
                    }
                    else if (!path.Contains(next) && string.CompareOrdinal(next, start) > 0)
                    {
                        path.Add(next);
                        Walk(next);
                        path.RemoveAt(path.Count - 1);
                    }
                }
            }
        }
        return found;
    }

    private static List<string> Against(IEnumerable<FolderDependencies.Use> uses, IReadOnlyList<string> order) =>
        uses.Where(u => TopFolder(u.From) != TopFolder(u.To) && Rank(order, u.To) < Rank(order, u.From))
            .Select(u => $"{u.From}: {u.FromType} uses {u.To}: {u.ToType}")
            .Distinct()
            .ToList();

    private static int Rank(IReadOnlyList<string> order, string folder)
    {
        int rank = order.ToList().IndexOf(TopFolder(folder));
        return rank >= 0 ? rank : throw new InvalidOperationException($"folder '{folder}' is not in the order");
    }

    private static string TopFolder(string folder) => folder.Split('.')[0];
}
