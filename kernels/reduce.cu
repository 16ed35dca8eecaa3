// Reductions used by gradient clipping, divergence checks and the mixed ops' weight gradients.
#include "common.cuh"

#define PARSEC_REDUCE_THREADS 256

// Per-block sums of x^2 in double (block b writes partial[b]); a second pass adds the partials in a fixed
// order, so the result does not depend on scheduling.
extern "C" __global__ void sum_squares_partial(const float* __restrict__ x, i64 n, double* __restrict__ partial)
{
    double sum = 0.0;
    PARSEC_GRID_STRIDE(i, n)
    {
        double v = (double)x[i];
        sum += v * v;
    }
    parsec_block_sum_double(sum, &partial[blockIdx.x]);
}

// Per-block sums of a[i] * b[i] in double, as sum_squares_partial.
extern "C" __global__ void dot_partial(const float* __restrict__ a, const float* __restrict__ b, i64 n, double* __restrict__ partial)
{
    double sum = 0.0;
    PARSEC_GRID_STRIDE(i, n)
    {
        sum += (double)a[i] * (double)b[i];
    }
    parsec_block_sum_double(sum, &partial[blockIdx.x]);
}

// result[0] = sum of partial[0 .. count): one block.
extern "C" __global__ void sum_partials(const double* __restrict__ partial, int count, double* __restrict__ result)
{
    double sum = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) sum += partial[i];
    parsec_block_sum_double(sum, result);
}

// *flag = 0 when any element is infinite or NaN (the launcher sets it to 1 first).
extern "C" __global__ void all_finite(const float* __restrict__ x, i64 n, int* flag)
{
    PARSEC_GRID_STRIDE(i, n)
    {
        if (!parsec_is_finite(x[i])) *flag = 0;
    }
}
