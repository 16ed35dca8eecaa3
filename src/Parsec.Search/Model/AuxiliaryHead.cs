using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model;

/// <summary>
/// DARTS' AuxiliaryHeadCIFAR: ReLU, 5x5 average pool (no padding), 1x1 conv to 128, BN, ReLU, 2x2 conv to 768,
/// BN, ReLU, linear. The pool must leave 2x2 for the 2x2 conv: DARTS uses stride 3 on the 8x8 features that
/// 32x32 inputs give at 2L/3; 28x28 inputs (MNIST, Fashion-MNIST) give 7x7, where stride 2 leaves 2x2 (the
/// stride of DARTS' ImageNet head), and 6x6 takes stride 1. See <see cref="PoolStride"/>. Names follow DARTS: "{scope}.features.2/3/5/6.*",
/// "{scope}.classifier.*"; its batch norms are affine in both phases (DARTS uses nn.BatchNorm2d defaults).
/// </summary>
internal sealed class AuxiliaryHead
{
    private const int Hidden = 128, Features = 768, PoolKernel = 5, MinSide = 6, MaxSide = 10;
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
        if (Features(height) != Features(width) || PoolStride(Features(height)) is null)
            throw new BadInputException(
                $"--image-size: images of {height}x{width} give {Features(height)}x{Features(width)} features at the auxiliary head, which needs square features of {MinSide}x{MinSide} to {MaxSide}x{MaxSide} (images of 21 to 40 pixels: 32 in DARTS, 28 for MNIST); give --no-auxiliary or another --image-size");
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm)
    {
        var s = x.Shape4;
        if (s.H != s.W || PoolStride(s.H) is not int stride)
            throw new BadInputException(
                $"the auxiliary head needs square features of {MinSide} to {MaxSide} pixels at cell 2L/3 (inputs of about 24 to 40 pixels), got {s.H}x{s.W}; turn it off with --no-auxiliary");
        var h = tape.Pool2d(tape.Relu(x), PoolKind.AverageExcludePadding, PoolKernel, stride, 0);
        h = _reduceNorm.ForwardWithRelu(tape, _reduce.Forward(tape, h), norm);
        h = _expandNorm.ForwardWithRelu(tape, _expand.Forward(tape, h), norm);
        return _classifier.Forward(tape, tape.Reshape(h, s.N, Features));
    }

    /// <summary>
    /// The stride of the 5x5 pool that leaves 2x2 features on a side of <paramref name="side"/> pixels: 3 (DARTS)
    /// for 8..10, 2 for 7, 1 for 6; null outside 6..10, where no stride does.
    /// </summary>
    public static int? PoolStride(int side) => side switch
    {
        >= 8 and <= MaxSide => 3,
        7 => 2,
        MinSide => 1,
        _ => null,
    };
}
