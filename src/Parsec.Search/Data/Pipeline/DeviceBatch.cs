using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// A <see cref="HostBatch"/> on a backend, uploaded once and read by every sample of a pass, concurrently: no op
/// writes its inputs and the tape never frees a tensor it did not make, so the copy outlives each sample's tape
/// reset. (The CUDA arena carries such a per-step block across steps; it only stops placing those steps by a
/// lifetime plan, which sampled steps of different architectures rarely follow anyway.)
/// </summary>
internal sealed class DeviceBatch : IDisposable
{
    private DeviceBatch(HostBatch host, Tensor images, Tensor labels) => (Host, Images, Labels) = (host, images, labels);

    public HostBatch Host { get; }
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count => Host.Count;

    public static DeviceBatch Upload(HostBatch host, IBackend backend, DType dtype)
    {
        var images = Tensor.FromArray(backend, host.Images, host.Shape, dtype, BufferCategory.Inputs, "images");
        try { return new DeviceBatch(host, images, Tensor.FromLabels(backend, host.Labels)); }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
