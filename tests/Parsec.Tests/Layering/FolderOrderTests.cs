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
