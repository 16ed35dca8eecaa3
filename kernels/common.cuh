// Shared helpers for every kernel file. NVRTC compiles these sources without host headers, so only
// built-in CUDA device functions are used. Layout everywhere is NCHW, row-major, contiguous.
#pragma once

typedef long long i64;

// Grid-stride loop over [0, n): correct for any grid size, so launchers may cap the grid.
#define PARSEC_GRID_STRIDE(i, n) \
    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

// dst = value, or dst += value when accumulating (the backend contract's `accumulate`).
__device__ __forceinline__ void parsec_store(float* dst, float value, int accumulate)
{
    *dst = accumulate ? *dst + value : value;
}

__device__ __forceinline__ float parsec_warp_sum(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

__device__ __forceinline__ double parsec_warp_sum_double(double v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    return v;
}

// Adds each thread's v over the block (up to 1024 threads), warp sums first, then the warps in order, so the
// result does not depend on scheduling; thread 0 writes it to *out.
__device__ __forceinline__ void parsec_block_sum_double(double v, double* out)
{
    __shared__ double warp_sums[32];
    v = parsec_warp_sum_double(v);
    if ((threadIdx.x & 31) == 0) warp_sums[threadIdx.x >> 5] = v;
    __syncthreads();
    if (threadIdx.x == 0)
    {
        double total = 0.0;
        for (int w = 0; w < (int)(blockDim.x >> 5); w++) total += warp_sums[w];
        *out = total;
    }
}

__device__ __forceinline__ float parsec_warp_max(float v)
{
    for (int offset = 16; offset > 0; offset >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, offset));
    return v;
}

// Exponent bits all ones means infinity or NaN; avoids depending on isfinite's header overloads.
__device__ __forceinline__ bool parsec_is_finite(float x)
{
    return (__float_as_uint(x) & 0x7f800000u) != 0x7f800000u;
}
