// Global average pooling. The 3x3 max and average pools go through cuDNN (AVERAGE_COUNT_EXCLUDE_PADDING).
#include "common.cuh"

// y[q] = mean of plane q of x (q over N * C planes of `plane` elements): one warp per plane.
extern "C" __global__ void global_avg_pool_forward(const float* __restrict__ x, float* __restrict__ y, i64 planes, int plane)
{
    const int lane = threadIdx.x & 31;
    const i64 warps_per_grid = (i64)gridDim.x * (blockDim.x >> 5);
    for (i64 q = (i64)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5); q < planes; q += warps_per_grid)
    {
        const float* p = x + q * plane;
        float sum = 0.0f;
        for (int k = lane; k < plane; k += 32) sum += p[k];
        sum = parsec_warp_sum(sum);
        if (lane == 0) y[q] = sum / (float)plane;
    }
}

// dx[q, k] (+)= dy[q] / plane.
extern "C" __global__ void global_avg_pool_backward(const float* __restrict__ dy, float* dx, i64 planes, int plane, int accumulate)
{
    i64 n = planes * plane;
    float inv = 1.0f / (float)plane;
    PARSEC_GRID_STRIDE(i, n) parsec_store(&dx[i], dy[i / plane] * inv, accumulate);
}
