namespace Parsec.Search.Model.Layers;

/// <summary>
/// Which of the two DARTS network variants to build. They differ in two details that DARTS ties to the phase:
/// <list type="bullet">
/// <item>Search: batch norms inside cells have no affine parameters, and every pooling candidate is followed
///   by a (non-affine) batch norm, as in DARTS' model_search.py.</item>
/// <item>Evaluation: batch norms inside cells are affine and pools stand alone, as in DARTS' model.py.</item>
/// </list>
/// The stem's batch norm is affine in both, as in DARTS.
/// </summary>
public enum NetworkPhase
{
    Search,
    Evaluation,
}

internal static class NetworkPhases
{
    /// <summary>The batch norms inside cells: non-affine while searching, affine in evaluation training.</summary>
    public static Affinity CellAffinity(this NetworkPhase phase) =>
        phase == NetworkPhase.Evaluation ? Affinity.Affine : Affinity.NonAffine;
}
