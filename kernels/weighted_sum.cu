// y = beta * y + sum_s weight[s] * source[s] over up to PARSEC_SUM_SLOTS source buffers per launch: the search's
// fixed-order reductions of per-sample weight gradients and batch-norm statistics. The source table travels by value
// as a kernel argument (no device-side table to upload). Each element is summed in double, from beta * y (0 when beta
// is 0: y is then not read), over the sources in table order with fma, and rounded to float once: the same arithmetic
// as the CPU backend's loop (__dmul_rn keeps the compiler from fusing the first product), so both give the same bits.
// The C# struct in the CUDA backend mirrors this layout field for field (a test pins its size).
#include "common.cuh"

#define PARSEC_SUM_SLOTS 16

struct WeightedSumSlots
{
    const float* source[PARSEC_SUM_SLOTS];
    double weight[PARSEC_SUM_SLOTS];
    int count;
};

extern "C" __global__ void weighted_sum(WeightedSumSlots slots, float* __restrict__ y, i64 n, double beta)
{
    PARSEC_GRID_STRIDE(i, n)
    {
        double sum = beta != 0.0 ? __dmul_rn(beta, (double)y[i]) : 0.0;
        for (int s = 0; s < slots.count; s++) sum = fma(slots.weight[s], (double)slots.source[s][i], sum);
        y[i] = (float)sum;
    }
}
