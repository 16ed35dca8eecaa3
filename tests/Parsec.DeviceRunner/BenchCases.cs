using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.DeviceRunner;

/// <summary>
/// The benchmarked ops at one activation shape x = (N, C, S, S), with random inputs (never zeros). Byte counts
/// are the minimum traffic of each op (every input read once, every output written once; batch norm counts the
/// extra pass its statistics need), so GB/s compares directly with copy bandwidth. Ops marked "+readback" or
/// "+check" wait for a result on the host inside the timed interval, so their time includes that round trip.
/// </summary>
internal sealed class BenchCases(CudaBackend gpu, Shape4 x) : IDisposable
{
    private readonly List<Storage> _owned = [];
    private readonly Rng _rng = new((ulong)(x.C * 1000 + x.H));

    public IEnumerable<(string Op, string Engine, double Bytes, double Flops, Action Run)> All()
    {
        long n = x.Length;
        int c = x.C, s = x.H, batch = x.N;
        double f = sizeof(float);
        Storage a = Rand(n), b = Rand(n), y = Rand(n), dy = Rand(n), dx = Rand(n);

        // ---- custom kernels ---------------------------------------------------------------
        yield return ("relu_forward", "kernel", 2 * n * f, 0, () => gpu.Elementwise(new ReluArgs(a, y)));
        yield return ("relu_backward", "kernel", 3 * n * f, 0, () => gpu.Elementwise(new ReluBackwardArgs(a, dy, dx, false)));
        yield return ("add_forward", "kernel", 3 * n * f, 0, () => gpu.Elementwise(new AddArgs(a, b, y)));
        yield return ("scale (accumulate)", "kernel", 3 * n * f, 0, () => gpu.Elementwise(new ScaleArgs(dy, 0.5, dx, true)));
        var rowScale = Rand(batch);
        yield return ("scale_rows", "kernel", 2 * n * f, 0, () => gpu.Elementwise(new ScaleRowsArgs(a, rowScale, (int)(n / batch), y, false)));
        var wide = new Shape4(batch, 2 * c, s, s);
        var concat = Rand(wide.Length);
        yield return ("copy_channels (concat)", "kernel", 2 * n * f, 0, () => gpu.CopyChannels(new CopyChannelsArgs(a, x, 0, concat, wide, c, c, false)));
        var sliced = new Shape4(batch, c, s - 1, s - 1);
        var slice = Rand(sliced.Length);
        yield return ("slice_spatial_forward", "kernel", 2 * sliced.Length * f, 0, () => gpu.SliceSpatial(new SliceSpatialArgs(new SpatialWindow(x, 1, 1, sliced.H, sliced.W), a, slice)));
        yield return ("slice_spatial_backward", "kernel", (sliced.Length + n) * f, 0, () => gpu.SliceSpatialBackward(new SliceSpatialBackwardArgs(new SpatialWindow(x, 1, 1, sliced.H, sliced.W), slice, dx, false)));
        var pooled = Rand((long)batch * c);
        yield return ("global_avg_pool_forward", "kernel", (n + batch * c) * f, 0, () => gpu.GlobalAvgPool(new GlobalAvgPoolArgs(x, a, pooled)));
        yield return ("global_avg_pool_backward", "kernel", (n + batch * c) * f, 0, () => gpu.GlobalAvgPoolBackward(new GlobalAvgPoolBackwardArgs(x, pooled, dx, false)));
        yield return ("sum_squares (+readback)", "kernel", n * f, 0, () => gpu.SumOfSquares(a));
        yield return ("all_finite (+readback)", "kernel", n * f, 0, () => gpu.AllFinite(a));
        Storage w = Rand(n), g = Rand(n), m = Rand(n), v = Square(Rand(n));
        yield return ("sgd_update (momentum)", "kernel", 5 * n * f, 0, () => gpu.SgdUpdate(new SgdUpdateArgs(w, g, m, new SgdStep(1e-3, 0.9, 1e-4))));
        yield return ("adam_update", "kernel", 7 * n * f, 0, () => gpu.AdamUpdate(new AdamUpdateArgs(w, g, m, v, new AdamStep(1e-6, 0.9, 0.999, 1e-8, 0, 3))));
        if (c == 16 && s == 32)
        {
            const int classes = 10;
            var logits = Rand(batch * classes);
            var labels = gpu.Allocate(batch, DType.Int32, BufferCategory.Inputs);
            _owned.Add(labels);
            gpu.CopyIn(labels, Enumerable.Range(0, batch).Select(i => i % classes).ToArray());
            Storage probs = Rand(batch * classes), loglik = Rand(batch), rowWeight = Rand(batch), dlogits = Rand(batch * classes), bias = Rand(classes);
            yield return ("softmax_xent_fwd (+check)", "kernel", 3 * batch * classes * f, 0, () => gpu.SoftmaxCrossEntropy(new SoftmaxCrossEntropyArgs(logits, labels, batch, classes, probs, loglik)));
            yield return ("softmax_xent_backward", "kernel", 2 * batch * classes * f, 0, () => gpu.SoftmaxCrossEntropyBackward(new SoftmaxCrossEntropyBackwardArgs(probs, labels, rowWeight, batch, classes, dlogits, false)));
            yield return ("add_bias", "kernel", 2 * batch * classes * f, 0, () => gpu.AddBias(new AddBiasArgs(dlogits, bias, batch, classes)));
            yield return ("bias_backward", "kernel", batch * classes * f, 0, () => gpu.BiasBackward(new BiasBackwardArgs(dlogits, batch, classes, bias, false)));
        }

        // ---- cuDNN ----------------------------------------------------------------------------
        foreach (var (name, conv) in Convolutions(c))
        {
            // Depthwise shapes run on whichever of cuDNN and kernels/depthwise.cu measured faster (decisions print at the end).
            string engine = DepthwiseGeometry.Applies(conv) && c > 1 ? "dw-best" : "cuDNN";
            var weight = Rand(conv.WeightLength);
            var dweight = Rand(conv.WeightLength);
            double flops = 2.0 * batch * conv.OutChannels * conv.InChannelsPerGroup * conv.Kernel * conv.Kernel * s * s;
            double bytes = (n + conv.Output.Length + conv.WeightLength) * f;
            var output = Rand(conv.Output.Length);
            yield return ($"{name} fwd", engine, bytes, flops, () => gpu.Conv2dForward(new Conv2dForwardArgs(conv, a, weight, output)));
            yield return ($"{name} bwd-data", engine, bytes, flops, () => gpu.Conv2dBackwardData(new Conv2dBackwardDataArgs(conv, output, weight, dx, false)));
            yield return ($"{name} bwd-filter", engine, bytes, flops, () => gpu.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(conv, a, output, dweight, false)));
        }
        foreach (var kind in new[] { PoolKind.Max, PoolKind.AverageExcludePadding })
        {
            var pool = new Pool2dGeometry(x, kind, 3, 1, 1);
            string name = kind == PoolKind.Max ? "max_pool 3x3" : "avg_pool 3x3";
            yield return ($"{name} fwd", "cuDNN", 2 * n * f, 0, () => gpu.Pool2dForward(new Pool2dForwardArgs(pool, a, y)));
            yield return ($"{name} bwd", "cuDNN", 4 * n * f, 0, () => gpu.Pool2dBackward(new Pool2dBackwardArgs(pool, a, y, dy, dx, false)));
        }
        Storage gamma = Rand(c), beta = Rand(c), runMean = Rand(c), runVar = Square(Rand(c)), saveMean = Rand(c), saveInv = Rand(c), dgamma = Rand(c), dbeta = Rand(c);
        yield return ("batch_norm train fwd", "cuDNN", 3 * n * f, 0, () => gpu.BatchNormTraining(new BatchNormTrainingArgs(x, a, gamma, beta, runMean, runVar, 0.1, 1e-5, y, saveMean, saveInv)));
        yield return ("batch_norm bwd", "cuDNN", 5 * n * f, 0, () => gpu.BatchNormBackward(new BatchNormBackwardArgs(x, a, dy, gamma, saveMean, saveInv, dx, dgamma, dbeta, false)));
        yield return ("batch_norm inference", "cuDNN", 2 * n * f, 0, () => gpu.BatchNormInference(new BatchNormInferenceArgs(x, a, gamma, beta, runMean, runVar, 1e-5, y)));

        // ---- fused ReLU ops next to the pairs they replace ---------------------------------------
        foreach (var fused in FusedBenchCases.All(gpu, x, Rand)) yield return fused;

        // ---- cuBLAS: the classifier of a DARTS network (N x C) * (C x 10)^T --------------------
        var feats = Rand((long)batch * c);
        var fc = Rand(10L * c);
        var outFc = Rand(batch * 10);
        yield return ("linear gemm (N,C)x(10,C)^T", "cuBLAS", (batch * c + 10 * c + batch * 10) * f, 2.0 * batch * c * 10,
            () => gpu.Gemm(new GemmArgs(false, true, batch, 10, c, 1.0, feats, fc, 0.0, outFc)));
    }

    /// <summary>The DARTS convolutions at this width: dense 3x3, 1x1, depthwise 3x3 / 5x5, dilated 3x3 / 5x5.</summary>
    private IEnumerable<(string Name, Conv2dGeometry Geometry)> Convolutions(int c)
    {
        yield return ("conv 3x3", new Conv2dGeometry(x, c, 3, 1, 1, 1, 1));
        yield return ("conv 1x1", new Conv2dGeometry(x, c, 1, 1, 0, 1, 1));
        yield return ("depthwise 3x3", new Conv2dGeometry(x, c, 3, 1, 1, 1, c));
        yield return ("depthwise 5x5", new Conv2dGeometry(x, c, 5, 1, 2, 1, c));
        yield return ("dilated dw 3x3 d2", new Conv2dGeometry(x, c, 3, 1, 2, 2, c));
        yield return ("dilated dw 5x5 d2", new Conv2dGeometry(x, c, 5, 1, 4, 2, c));
    }

    /// <summary>A 1024^3 fp32 GEMM: the reference for what the GPU's fp32 (non-tensor-core) pipes deliver.</summary>
    public static (string Op, string Engine, double Bytes, double Flops, Action Run, Action Dispose) LargeGemm(CudaBackend gpu)
    {
        const int size = 1024;
        var cases = new BenchCases(gpu, new Shape4(1, 1, size, size));
        Storage a = cases.Rand(size * size), b = cases.Rand(size * size), c = cases.Rand(size * size);
        return ("gemm 1024^3 fp32", "cuBLAS", 3.0 * size * size * sizeof(float), 2.0 * size * size * size,
            () => gpu.Gemm(new GemmArgs(false, false, size, size, size, 1.0, a, b, 0.0, c)), cases.Dispose);
    }

    private Storage Rand(long length)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++) values[i] = (float)_rng.NextGaussian();
        var storage = gpu.Allocate(length, DType.Float32, BufferCategory.Activations);
        gpu.CopyIn(storage, values);
        _owned.Add(storage);
        return storage;
    }

    private Storage Square(Storage s)
    {
        var values = new float[s.Length];
        gpu.CopyOut(s, values);
        for (int i = 0; i < values.Length; i++) values[i] = values[i] * values[i] + 0.1f;
        gpu.CopyIn(s, values);
        return s;
    }

    public void Dispose()
    {
        foreach (var s in _owned) s.Dispose();
        _owned.Clear();
    }
}
