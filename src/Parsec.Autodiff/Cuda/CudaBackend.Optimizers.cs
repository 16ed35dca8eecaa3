using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Optimizer steps: kernels/optimizer.cu. The multi-tensor forms update up to 16 parameters per launch (a
// DARTS supernet has hundreds of small parameters, so one launch each would be launch-bound); the
// single-parameter IBackend methods are the one-slot case of the same kernels.
public sealed partial class CudaBackend
{
    private const int OptimizerChunk = 4096; // PARSEC_OPT_CHUNK
    private const int OptimizerThreads = 256;

    public void SgdUpdate(SgdUpdateArgs a) => SgdUpdateSlots([a]);

    /// <summary>The interface's multi-tensor SGD step (the record has checked that every parameter shares one step).</summary>
    public void SgdUpdateMany(SgdUpdateManyArgs a) => SgdUpdateSlots([.. a.Parameters]);

    public void AdamUpdate(AdamUpdateArgs a) => AdamUpdateSlots([a]);

    /// <summary>One step of many parameters that share one set of hyper-parameters.</summary>
    private unsafe void SgdUpdateSlots(ReadOnlySpan<SgdUpdateArgs> parameters)
    {
        if (parameters.IsEmpty) return;
        var step = SharedStep(parameters, p => p.Step);
        float lr = (float)step.LearningRate, momentum = (float)step.Momentum, wd = (float)step.WeightDecay;
        for (int start = 0; start < parameters.Length; start += SgdSlots.Capacity)
        {
            var slots = new SgdSlots();
            int blocks = 0;
            foreach (var p in parameters.Slice(start, Math.Min(SgdSlots.Capacity, parameters.Length - start)))
            {
                long n = p.Weight.Length;
                ulong w = F32(p.Weight, nameof(SgdUpdate), "weight"), g = F32(p.Grad, nameof(SgdUpdate), "grad");
                ulong m = F32(p.MomentumBuffer, nameof(SgdUpdate), "momentumBuffer");
                if (n == 0) continue;
                int s = slots.Count++;
                slots.Weight[s] = w; slots.Grad[s] = g; slots.Momentum[s] = m; slots.Length[s] = n;
                slots.BlockStart[s] = blocks;
                blocks += checked((int)((n + OptimizerChunk - 1) / OptimizerChunk));
                slots.BlockStart[s + 1] = blocks;
            }
            if (slots.Count == 0) continue;
            Launch(new SgdUpdateKernel(slots, lr, momentum, wd), new LaunchShape((uint)blocks, 1, 1, OptimizerThreads, 1, 1));
        }
    }

    /// <summary>One step of many parameters that share one set of hyper-parameters.</summary>
    private unsafe void AdamUpdateSlots(ReadOnlySpan<AdamUpdateArgs> parameters)
    {
        if (parameters.IsEmpty) return;
        var step = SharedStep(parameters, p => p.Step);
        // Bias corrections in double on the host, as PyTorch computes them in Python floats.
        float stepSize = (float)(step.LearningRate / (1 - Math.Pow(step.Beta1, step.Step)));
        float invSqrtBc2 = (float)(1 / Math.Sqrt(1 - Math.Pow(step.Beta2, step.Step)));
        float b1 = (float)step.Beta1, b2 = (float)step.Beta2, eps = (float)step.Epsilon, wd = (float)step.WeightDecay;
        for (int start = 0; start < parameters.Length; start += AdamSlots.Capacity)
        {
            var slots = new AdamSlots();
            int blocks = 0;
            foreach (var p in parameters.Slice(start, Math.Min(AdamSlots.Capacity, parameters.Length - start)))
            {
                long n = p.Weight.Length;
                ulong w = F32(p.Weight, nameof(AdamUpdate), "weight"), g = F32(p.Grad, nameof(AdamUpdate), "grad");
                ulong m = F32(p.FirstMoment, nameof(AdamUpdate), "firstMoment"), v = F32(p.SecondMoment, nameof(AdamUpdate), "secondMoment");
                if (n == 0) continue;
                int s = slots.Count++;
                slots.Weight[s] = w; slots.Grad[s] = g; slots.FirstMoment[s] = m; slots.SecondMoment[s] = v; slots.Length[s] = n;
                slots.BlockStart[s] = blocks;
                blocks += checked((int)((n + OptimizerChunk - 1) / OptimizerChunk));
                slots.BlockStart[s + 1] = blocks;
            }
            if (slots.Count == 0) continue;
            Launch(new AdamUpdateKernel(slots, stepSize, b1, b2, eps, wd, invSqrtBc2), new LaunchShape((uint)blocks, 1, 1, OptimizerThreads, 1, 1));
        }
    }

    /// <summary>The hyper-parameters every record of one launch shares (a launch passes them once).</summary>
    private static TStep SharedStep<TArgs, TStep>(ReadOnlySpan<TArgs> parameters, Func<TArgs, TStep> stepOf) where TStep : struct
    {
        var step = stepOf(parameters[0]);
        foreach (var p in parameters)
            if (!stepOf(p).Equals(step)) throw new ArgumentException($"a multi-tensor update needs one step for all parameters: {step} and {stepOf(p)} differ");
        return step;
    }
}
