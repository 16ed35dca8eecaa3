namespace Parsec.Search.Loop;

/// <summary>Whether the batches that train a search's shared weights are augmented.</summary>
public enum SearchAugment
{
    /// <summary>Every batch as stored (pixels as <see cref="SearchOptions.Pixels"/> says).</summary>
    None,
    /// <summary>
    /// The weights' batches get the crops and flips `train` gives this dataset (<see cref="Data.Pipeline.DatasetAugmentation"/>),
    /// without cutout, as DARTS' search trains its supernet on augmented images. pi's batches stay as stored, since pi is
    /// fitted to how the shared weights do on images like the test set's.
    /// </summary>
    Dataset,
}
