using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Model;

namespace Parsec.Tests.Search;

/// <summary>Small networks and batches shared by the search tests: C = 4, 3 cells (a normal cell and two reductions), 8x8 images.</summary>
internal static class TinyNetworks
{
    public static NetworkOptions Options(DType dtype = DType.Float32, int layers = 3, int classes = 3) =>
        new() { Channels = 4, Layers = layers, Classes = classes, DType = dtype };

    public static (Tensor Images, Tensor Labels) Batch(IBackend backend, NetworkOptions options, int batch = 4, int side = 8, ulong seed = 7)
    {
        var rng = new Rng(seed);
        var pixels = new double[batch * options.InputChannels * side * side];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextGaussian();
        var labels = Enumerable.Range(0, batch).Select(i => i % options.Classes).ToArray();
        return (Tensor.FromArray(backend, pixels, [batch, options.InputChannels, side, side], options.DType),
                Tensor.FromLabels(backend, labels));
    }

    public static CpuBackend Cpu() => new();
}
