using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// The fixed-order weighted sum: kernels/weighted_sum.cu, one launch per call (the record holds at most
// WeightedSumSlots.Capacity sources), one thread per element.
public sealed partial class CudaBackend
{
    public unsafe void WeightedSum(WeightedSumArgs a)
    {
        const string op = nameof(WeightedSum);
        var slots = new WeightedSumSlots { Count = a.Sources.Count };
        for (int s = 0; s < a.Sources.Count; s++)
        {
            slots.Source[s] = F32(a.Sources[s], op, $"sources[{s}]");
            slots.Weight[s] = a.Weights[s];
        }
        ulong y = F32(a.Y, op, "y");
        if (a.Y.Length == 0) return;
        Launch(new WeightedSumKernel(slots, y, a.Y.Length, a.Beta), LaunchShape.Linear(a.Y.Length));
    }
}
