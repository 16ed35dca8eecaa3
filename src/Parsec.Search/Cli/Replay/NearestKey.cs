namespace Parsec.Search.Cli.Replay;

/// <summary>The config key a misspelt one most likely meant: by its own name or by its flag's ("lr" for "weight_learning_rate").</summary>
internal static class NearestKey
{
    public static ConfigKey? For(string unknown, IEnumerable<ConfigKey> keys)
    {
        var best = keys
            .SelectMany(k => Spellings(k).Select(s => (Key: k, Distance: Distance(unknown, s))))
            .OrderBy(x => x.Distance).ThenBy(x => x.Key.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        // Beyond a third of the name's letters it is another word, not a slip.
        return best.Key is not null && best.Distance <= Math.Max(1, unknown.Length / 3) ? best.Key : null;
    }

    /// <summary>The key, its last part ("image_size" of "dataset.image_size") and its flags in snake_case ("prior_lr").</summary>
    private static IEnumerable<string> Spellings(ConfigKey key) =>
        new[] { key.Name, key.Name.Split('.')[^1] }.Concat(key.Targets.SelectMany(t => t.Option.LongNames).Select(n => n.Replace('-', '_')));

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
