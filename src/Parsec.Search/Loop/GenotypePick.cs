namespace Parsec.Search.Loop;

/// <summary>How a PARSEC search turns its learnt pi into the one genotype it reports.</summary>
public enum GenotypePick
{
    /// <summary>pi's most likely genotype (Prior/Derivation.cs): what pi believes, nothing else.</summary>
    Argmax,
    /// <summary>
    /// pi's most likely genotype and --candidates - 1 more drawn from pi, each scored with the shared weights on the
    /// same --candidate-batches batches of pi's part; the highest mean validation log-likelihood is kept. pi proposes,
    /// the shared weights decide among its proposals (<see cref="CandidateSelection"/>).
    /// </summary>
    Scored,
}
