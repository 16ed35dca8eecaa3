using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model;

/// <summary>
/// DARTS' AuxiliaryHeadCIFAR on 8x8 features: ReLU, 5x5 average pool stride 3 (no padding), 1x1 conv to 128,
/// BN, ReLU, 2x2 conv to 768, BN, ReLU, linear. Names follow DARTS: "{scope}.features.2/3/5/6.*",
/// "{scope}.classifier.*"; its batch norms are affine in both phases (DARTS uses nn.BatchNorm2d defaults).
/// </summary>
public sealed class AuxiliaryHead
{
    private const int Hidden = 128, Features = 768;
    private readonly Conv2dLayer _reduce, _expand;
    private readonly BatchNormLayer _reduceNorm, _expandNorm;
    private readonly LinearLayer _classifier;

    public AuxiliaryHead(ModuleScope scope, int inChannels, int classes)
    {
        var features = scope.Child("features");
        _reduce = new Conv2dLayer(features.Child("2"), inChannels, Hidden, 1);
        _reduceNorm = new BatchNormLayer(features.Child("3"), Hidden, Affinity.Affine);
        _expand = new Conv2dLayer(features.Child("5"), Hidden, Features, 2);
        _expandNorm = new BatchNormLayer(features.Child("6"), Features, Affinity.Affine);
        _classifier = new LinearLayer(scope.Child("classifier"), Features, classes);
    }

    /// <summary>
    /// Throws when images of <paramref name="height"/> x <paramref name="width"/> would not give the head its 8..10
    /// pixel features (two stride-2 reductions halve, rounding up), so a run is refused before it writes anything.
    /// </summary>
    public static void RequireFits(int height, int width)
    {
        static int Features(int side) => (((side + 1) / 2) + 1) / 2;
        if (Features(height) is < 8 or > 10 || Features(width) is < 8 or > 10)
            throw new ArgumentException(
                $"--image-size: images of {height}x{width} give {Features(height)}x{Features(width)} features at the auxiliary head, which needs 8x8 to 10x10 (images of 29 to 40 pixels, 32 in DARTS); give --no-auxiliary or another --image-size");
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm)
    {
        var s = x.Shape4;
        // 5x5 stride 3 then 2x2 must leave 1x1 for the 768-feature linear layer: true for 8..10 pixels (32x32 inputs).
        if (s.H is < 8 or > 10 || s.W is < 8 or > 10)
            throw new ArgumentException($"the auxiliary head expects 8x8 features at cell 2L/3 (32x32 inputs), got {s}");
        var h = tape.Pool2d(tape.Relu(x), PoolKind.AverageExcludePadding, 5, 3, 0);
        h = tape.Relu(_reduceNorm.Forward(tape, _reduce.Forward(tape, h), norm));
        h = tape.Relu(_expandNorm.Forward(tape, _expand.Forward(tape, h), norm));
        return _classifier.Forward(tape, tape.Reshape(h, s.N, Features));
    }
}
