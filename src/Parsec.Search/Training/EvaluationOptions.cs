using Parsec.Search.Model.Layers;
using Parsec.Autodiff;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Flags;
using Parsec.Search.Model;

namespace Parsec.Search.Training;

/// <summary>
/// Training a genotype from scratch. Defaults are the DARTS evaluation protocol on CIFAR-10 (DARTS'
/// train.py): C = 36, 20 cells, batch 96, SGD lr 0.025 cosine-annealed to 0 over the epochs, momentum 0.9,
/// weight decay 3e-4, gradient clip 5, cutout 16, drop path 0.2 ramped linearly over the epochs, an
/// auxiliary head weighted 0.4, affine batch norm (the evaluation-phase network), 600 epochs. The [Flag]
/// properties are the `train` command's options, declared here only (Flags/FlagAttribute.cs).
/// </summary>
public sealed record EvaluationOptions
{
    [Flag("--channels <C>", "Initial channels C.", Min = 2, Max = 1024)] public int Channels { get; init; } = 36;
    [Flag("--layers <L>", "Cells.", Min = 3, Max = 100)] public int Layers { get; init; } = 20;
    [Flag("--batch-size <N>", "Training and test batch size.", Min = 2, Max = 65536)] public int BatchSize { get; init; } = 96;
    [Flag("--epochs <N>", "600 in the DARTS protocol.", Min = 1, Max = 100000)] public int Epochs { get; init; } = 600;
    [Flag("--lr <RATE>", "Initial SGD learning rate, cosine-annealed over the epochs.", Min = 0, Max = 1e30)] public double LearningRate { get; init; } = 0.025;
    [Flag("--lr-min <RATE>", "Learning rate the cosine reaches after the last epoch.", Min = 0, Max = 1e30)] public double MinLearningRate { get; init; }
    [Flag("--momentum <M>", "SGD momentum.", Min = 0, Max = 1)] public double Momentum { get; init; } = 0.9;
    [Flag("--weight-decay <WD>", "L2 weight decay added to the gradient.", Min = 0, Max = 1)] public double WeightDecay { get; init; } = 3e-4;
    [Flag("--grad-clip <NORM>", "Limit of the global gradient 2-norm.", Min = 0, Max = 1e30)] public double GradientClip { get; init; } = 5;
    /// <summary>Epoch e (from 0) uses DropPath * e / Epochs, as DARTS does.</summary>
    [Flag("--drop-path <P>", "Final drop-path probability, ramped linearly from 0.", Min = 0, Max = 1)] public double DropPath { get; init; } = 0.2;
    /// <summary>Set from --no-auxiliary.</summary>
    public bool Auxiliary { get; init; } = true;
    [Flag("--auxiliary-weight <W>", "Weight of the auxiliary head's loss.", Min = 0, Max = 1000)] public double AuxiliaryWeight { get; init; } = 0.4;
    /// <summary>Null: the dataset's default (<see cref="DatasetAugmentation"/>).</summary>
    [Flag("--crop-padding <PIXELS>", "Zero padding of the random crop; 0 turns cropping off. Default: 4 on CIFAR, 2 on MNIST and Fashion-MNIST, an eighth of the side elsewhere.", Min = 0, Max = 4096)]
    public int? CropPadding { get; init; }
    /// <summary>Null: on where a flip keeps the class (<see cref="DatasetAugmentation"/>); set from --flip and --no-flip.</summary>
    public bool? HorizontalFlip { get; init; }
    /// <summary>Null: the dataset's default.</summary>
    [Flag("--cutout <PIXELS>", "Cutout square side; 0 turns cutout off. Default: 16 on CIFAR, 0 elsewhere.", Min = 0, Max = 4096)] public int? Cutout { get; init; }
    [Flag("--seed <SEED>", "Seeds initial weights, batch order, augmentation and drop-path masks.")] public ulong Seed { get; init; }
    /// <summary>And always after the last.</summary>
    [Flag("--test-every <EPOCHS>", "Evaluate the test set every this many epochs (and after the last).", Min = 1, Max = 100000)] public int TestEvery { get; init; } = 1;
    [Flag("--prefetch <BATCHES>", "Batches prepared ahead of the training step.", Min = 1, Max = 1024)] public int Prefetch { get; init; } = 3;
    [Flag("--loader-workers <N>", "Threads preparing batches.", Min = 1, Max = 256)] public int LoaderWorkers { get; init; } = 1;

    /// <summary>The augmentation in force; every part must have been resolved (<see cref="WithDatasetDefaults"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public AugmentationOptions Augmentation => new(
        CropPadding ?? throw Unresolved("--crop-padding"), HorizontalFlip ?? throw Unresolved("--flip"), Cutout ?? throw Unresolved("--cutout"));

    /// <summary>These options with every augmentation setting the user left open set to the dataset's default.</summary>
    public EvaluationOptions WithDatasetDefaults(string dataset, int imageSide)
    {
        var defaults = DatasetAugmentation.For(dataset, imageSide);
        return this with
        {
            CropPadding = CropPadding ?? defaults.CropPadding,
            HorizontalFlip = HorizontalFlip ?? defaults.HorizontalFlip,
            Cutout = Cutout ?? defaults.CutoutSize,
        };
    }

    private static InvalidOperationException Unresolved(string flag) =>
        new($"{flag} was not resolved against the dataset's defaults before training");

    public double DropPathAt(int epoch) => DropPath * epoch / Epochs;

    public void Validate()
    {
        // Every flag's declared range, and finiteness (Infinity and 1e400 parse as numbers), before the checks that relate flags.
        Flags.FlagRanges.Check(this);
        Require(Channels >= 2 && Channels % 2 == 0, "--channels", $"an even number >= 2, got {Channels}");
        Require(Layers >= 3, "--layers", $">= 3 (two reduction cells and a normal cell), got {Layers}");
        Require(BatchSize >= 2, "--batch-size", $">= 2 (batch norm needs more than one example), got {BatchSize}");
        Require(Epochs >= 1, "--epochs", $">= 1, got {Epochs}");
        Require(LearningRate > 0 && MinLearningRate >= 0 && MinLearningRate <= LearningRate, "--lr / --lr-min", $"0 <= lr-min <= lr and lr > 0, got {LearningRate} and {MinLearningRate}");
        Require(Momentum is >= 0 and < 1, "--momentum", $"in [0, 1), got {Momentum}");
        Require(WeightDecay >= 0, "--weight-decay", $">= 0, got {WeightDecay}");
        Require(GradientClip > 0, "--grad-clip", $"> 0, got {GradientClip}");
        Require(DropPath is >= 0 and < 1, "--drop-path", $"in [0, 1), got {DropPath}");
        Require(AuxiliaryWeight >= 0, "--auxiliary-weight", $">= 0, got {AuxiliaryWeight}");
        Require(CropPadding is null or >= 0, "--crop-padding", $">= 0, got {CropPadding}");
        Require(Cutout is null or >= 0, "--cutout", $">= 0, got {Cutout}");
        Require(TestEvery >= 1, "--test-every", $">= 1, got {TestEvery}");
        Require(Prefetch >= 1, "--prefetch", $">= 1, got {Prefetch}");
        Require(LoaderWorkers >= 1, "--loader-workers", $">= 1, got {LoaderWorkers}");
    }

    /// <summary>The evaluation-phase network (affine batch norm in the cells) for images of <paramref name="inputChannels"/> channels.</summary>
    public NetworkOptions Network(int inputChannels, int classes) => new()
    {
        Channels = Channels,
        Layers = Layers,
        Classes = classes,
        InputChannels = inputChannels,
        Phase = NetworkPhase.Evaluation,
        Auxiliary = Auxiliary ? AuxiliaryClassifier.AtTwoThirdsDepth : AuxiliaryClassifier.None,
        DType = DType.Float32,
    };

    private static void Require(bool condition, string flag, string expected)
    {
        if (!condition) throw new BadInputException($"{flag} must be {expected}");
    }
}
