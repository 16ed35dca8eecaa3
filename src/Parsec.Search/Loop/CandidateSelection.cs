using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Prior;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;

namespace Parsec.Search.Loop;

/// <summary>One architecture random search scored, with what the shared weights said of it.</summary>
internal sealed record ScoredCandidate(Architecture Architecture, SharedWeightScore Score);

/// <summary>
/// The last step of random search with weight sharing (<see cref="SearchStrategy.RandomWs"/>): draw candidates
/// uniformly from the space, score each with the shared weights on the same batches of pi's part, keep the best by
/// validation accuracy (ties by log-likelihood, then by draw order). PARSEC with <see cref="GenotypePick.Scored"/>
/// draws its candidates from pi instead and keeps the highest log-likelihood. The draws come from a stream of the
/// search's seed of their own, so they do not depend on how long the weights were trained or on a resume.
/// </summary>
internal static class CandidateSelection
{
    public const string FileName = "candidates.json";

    public static IReadOnlyList<ScoredCandidate> Score(SearchSession session)
    {
        var uniform = new ArchitecturePrior(session.Options.TermInputs, session.Options.Space);
        var rng = session.CandidateRng();
        return ScoreAll(session, Enumerable.Range(0, session.Options.Candidates).Select(_ => uniform.Sample(rng)));
    }

    /// <summary>
    /// <see cref="GenotypePick.Scored"/>'s candidates: <paramref name="mostLikely"/> first, then distinct draws from pi
    /// (a draw equal to an earlier candidate is skipped; at most 20 draws per candidate wanted, so a pi concentrated on
    /// fewer architectures yields fewer), each scored like <see cref="Score"/>'s.
    /// </summary>
    public static IReadOnlyList<ScoredCandidate> ScoreProposals(SearchSession session, Architecture mostLikely)
    {
        int wanted = session.Options.Candidates;
        var rng = session.CandidateRng();
        var proposals = new List<Architecture> { mostLikely };
        var seen = new HashSet<string> { mostLikely.ToString() };
        for (int draw = 0; proposals.Count < wanted && draw < 20 * wanted; draw++)
        {
            var architecture = session.Prior.Sample(rng);
            if (seen.Add(architecture.ToString())) proposals.Add(architecture);
        }
        return ScoreAll(session, proposals);
    }

    private static List<ScoredCandidate> ScoreAll(SearchSession session, IEnumerable<Architecture> architectures) =>
        architectures.Select(architecture => new ScoredCandidate(architecture, session.ScoreOnValidation(architecture, session.Options.CandidateBatches))).ToList();

    /// <summary>Index of the best candidate: highest accuracy, then highest log-likelihood, then the first drawn.</summary>
    public static int Best(IReadOnlyList<ScoredCandidate> candidates) =>
        BestBy(candidates, (a, b) => a.Accuracy > b.Accuracy || (a.Accuracy == b.Accuracy && a.LogLikelihood > b.LogLikelihood));

    /// <summary>
    /// Index of the candidate with the highest mean log-likelihood (then the first drawn). On the Fashion-MNIST image
    /// folder the shared weights' log-likelihood ranked trained accuracy far better than their accuracy (docs/search-quality.md).
    /// </summary>
    public static int MostLikelyUnderSharedWeights(IReadOnlyList<ScoredCandidate> candidates) =>
        BestBy(candidates, (a, b) => a.LogLikelihood > b.LogLikelihood);

    private static int BestBy(IReadOnlyList<ScoredCandidate> candidates, Func<SharedWeightScore, SharedWeightScore, bool> better)
    {
        if (candidates.Count == 0) throw new ArgumentException("no candidate to choose from");
        int best = 0;
        for (int i = 1; i < candidates.Count; i++)
            if (better(candidates[i].Score, candidates[best].Score)) best = i;
        return best;
    }

    /// <summary>candidates.json: every candidate with its scores, in draw order, which was chosen and by what rule.</summary>
    public static void Write(string path, IReadOnlyList<ScoredCandidate> candidates, int chosen, string rule)
    {
        var json = new JsonObject
        {
            ["chosen"] = chosen,
            ["rule"] = rule,
            ["candidates"] = new JsonArray(candidates.Select(c => (JsonNode)new JsonObject
            {
                ["val_accuracy"] = c.Score.Accuracy,
                ["val_log_likelihood"] = c.Score.LogLikelihood,
                ["images"] = c.Score.Images,
                ["genotype"] = JsonNode.Parse(c.Architecture.ToGenotype().ToJson()),
            }).ToArray()),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
