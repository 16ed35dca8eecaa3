namespace Parsec.Search.Data.Files;

/// <summary>A dataset's training and test sets, its name (a file format or a generated dataset) and where it came from.</summary>
public sealed record DatasetSplits(string Dataset, string Source, InMemoryDataset Train, InMemoryDataset Test)
{
    public int Classes => Train.Classes;
    public int Channels => Train.Channels;
    public int Height => Train.Height;
    public int Width => Train.Width;

    /// <summary>Checks that the two sets can feed the same network: same image shape and classes.</summary>
    public DatasetSplits Validated()
    {
        if (!Train.ImageShape.AsSpan().SequenceEqual(Test.ImageShape) || Train.Classes != Test.Classes)
            throw new BadInputException(
                $"{Source}: the training set ({Train}) and the test set ({Test}) differ in image shape or number of classes");
        return this;
    }
}
