namespace Parsec.Search.Loop;

/// <summary>Whether a PARSEC search fixes the choices pi has decided while it still learns the others.</summary>
public enum PriorCommit
{
    /// <summary>pi keeps every choice open to the end (the paper's search).</summary>
    Off,
    /// <summary>
    /// Every --commit-every pi updates, each choice whose margin (top probability minus the runner-up's) is above the
    /// noise floor of the updates so far (<see cref="ChoiceCommitment"/>) is fixed at its most likely value: later samples
    /// then vary only in the open choices, whose likelihood differences no longer drown in those of the decided ones
    /// (the sequential greedy decisions of SGAS, Li et al. 2020, with PARSEC's own test of what is decided).
    /// </summary>
    Decided,
}
