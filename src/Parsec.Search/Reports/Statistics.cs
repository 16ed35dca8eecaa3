namespace Parsec.Search.Reports;

/// <summary>Summaries of measured values shared by the reports, the study and the bench.</summary>
internal static class Statistics
{
    /// <summary>The middle value (the mean of the two middle ones for an even count); throws on none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        if (n == 0) throw new InvalidOperationException("the median of no values");
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
