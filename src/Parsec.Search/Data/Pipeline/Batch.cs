using System.Collections.Concurrent;
using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// One prepared mini-batch on the host: normalised (and for training augmented) images (Count, C, H, W)
/// and their labels. Disposing it hands the image buffer back to the pipeline for the next batch, which
/// keeps a training run from allocating a large array per step.
/// </summary>
internal sealed class Batch(int index, float[] images, int[] labels, int channels, int height, int width, BatchBufferPool? pool) : IDisposable
{
    /// <summary>Position of the batch in its epoch.</summary>
    public int Index { get; } = index;
    public float[] Images { get; private set; } = images;
    public int[] Labels { get; } = labels;
    public int Count => Labels.Length;
    public int Channels { get; } = channels;
    public int Height { get; } = height;
    public int Width { get; } = width;
    public int[] ImageShape => [Count, Channels, Height, Width];

    /// <summary>Copies the images to <paramref name="backend"/> as a (Count, C, H, W) input tensor the caller owns.</summary>
    public Tensor ImagesTensor(IBackend backend, DType dtype = DType.Float32) =>
        Tensor.FromArray(backend, Images, ImageShape, dtype, BufferCategory.Inputs, "images");

    /// <summary>Copies the labels to <paramref name="backend"/> as an Int32 (Count) tensor the caller owns.</summary>
    public Tensor LabelsTensor(IBackend backend) => Tensor.FromLabels(backend, Labels);

    public void Dispose()
    {
        if (Images.Length == 0) return;
        pool?.Return(Images);
        Images = [];
    }
}

/// <summary>Recycles full-batch image buffers between the consumer and the workers.</summary>
internal sealed class BatchBufferPool(int length)
{
    private readonly ConcurrentBag<float[]> _free = [];

    public float[] Rent(int wanted) =>
        wanted == length && _free.TryTake(out var buffer) ? buffer : new float[wanted];

    public void Return(float[] buffer)
    {
        // Only full-size buffers are worth keeping; a last, smaller batch's buffer is left to the GC.
        if (buffer.Length == length) _free.Add(buffer);
    }
}
