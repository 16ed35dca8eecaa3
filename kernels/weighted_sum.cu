// y (+)= sum_s weight[s] * source[s] over up to PARSEC_SUM_SLOTS source buffers per launch: the search's fixed-order
// reduction of per-sample weight gradients. The source table travels by value as a kernel argument (no device-side
// table to upload). Each element is summed in double, from y (when accumulating) or 0, over the sources in table
// order with fma, and rounded to float once: the same arithmetic as the CPU backend's loop, so both give the same bits.
// The C# struct in the CUDA backend mirrors this layout field for field (a test pins its size).
#include "common.cuh"

#define PARSEC_SUM_SLOTS 16

struct WeightedSumSlots
{
    const float* source[PARSEC_SUM_SLOTS];
    double weight[PARSEC_SUM_SLOTS];
    int count;
};

extern "C" __global__ void weighted_sum(WeightedSumSlots slots, float* __restrict__ y, i64 n, int accumulate)
{
    PARSEC_GRID_STRIDE(i, n)
    {
        double sum = accumulate ? (double)y[i] : 0.0;
        for (int s = 0; s < slots.count; s++) sum = fma(slots.weight[s], (double)slots.source[s][i], sum);
        y[i] = (float)sum;
    }
}
