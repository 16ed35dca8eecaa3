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
/// validation accuracy (ties by log-likelihood, then by draw order). The draws come from a stream of the search's
/// seed of their own, so they do not depend on how long the weights were trained or on a resume.
/// </summary>
internal static class CandidateSelection
{
    public const string FileName = "candidates.json";

    public static IReadOnlyList<ScoredCandidate> Score(SearchSession session)
    {
        var uniform = new ArchitecturePrior(session.Options.TermInputs, session.Options.Space);
        var rng = session.CandidateRng();
        return Enumerable.Range(0, session.Options.Candidates)
            .Select(_ => uniform.Sample(rng))
            .Select(architecture => new ScoredCandidate(architecture, session.ScoreOnValidation(architecture, session.Options.CandidateBatches)))
            .ToList();
    }

    /// <summary>Index of the best candidate: highest accuracy, then highest log-likelihood, then the first drawn.</summary>
    public static int Best(IReadOnlyList<ScoredCandidate> candidates)
    {
        if (candidates.Count == 0) throw new ArgumentException("no candidate to choose from");
        int best = 0;
        for (int i = 1; i < candidates.Count; i++)
        {
            var (a, b) = (candidates[i].Score, candidates[best].Score);
            if (a.Accuracy > b.Accuracy || (a.Accuracy == b.Accuracy && a.LogLikelihood > b.LogLikelihood)) best = i;
        }
        return best;
    }

    /// <summary>candidates.json: every candidate with its scores, in draw order, and which was chosen.</summary>
    public static void Write(string path, IReadOnlyList<ScoredCandidate> candidates, int chosen)
    {
        var json = new JsonObject
        {
            ["chosen"] = chosen,
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
