using NUnit.Framework;

namespace Parsec.Tests.Search;

/// <summary>Statistical assertions shared by the sampling tests.</summary>
internal static class Statistics
{
    /// <summary>Pearson's chi-square against the expected probabilities; the bound is the 0.999 quantile (Wilson-Hilferty).</summary>
    public static void AssertChiSquare(IReadOnlyList<int> observations, double[] p, string what)
    {
        var counts = new double[p.Length];
        foreach (int o in observations) counts[o]++;
        double chi2 = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double expected = p[i] * observations.Count;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        int dof = p.Length - 1;
        const double z = 3.09; // 0.999 quantile of the standard normal
        double bound = dof * Math.Pow(1 - 2.0 / (9 * dof) + z * Math.Sqrt(2.0 / (9 * dof)), 3);
        Assert.That(chi2, Is.LessThan(bound), $"{what}: chi-square {chi2:0.00} with {dof} degrees of freedom");
    }
}
