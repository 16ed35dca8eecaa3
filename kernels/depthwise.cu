// Depthwise convolution (groups = in channels = out channels; weight (C, 1, K, K)) with stride, padding and
// dilation: the separable and dilated convolutions of the DARTS space. cuDNN's grouped convolution is slow
// for some of these shapes (its depthwise backward-filter especially), so the backend times these kernels
// against cuDNN once per shape and direction and keeps the faster. Each direction can read its input through a
// ReLU (the pre-activation ReLU of ReLU-Conv-BN fused into the convolution): forward and filter gradient apply
// fmaxf(x, 0) as they load x (relu_input), the data gradient keeps dx only where the forward input was above
// zero (relu_mask, the forward input; null without the ReLU).
#include "common.cuh"

#define PARSEC_DW_THREADS 256

// Mirrored by DepthwiseGeometry in the CUDA backend (ten ints, passed by value).
struct DepthwiseGeometry
{
    int n, c, h, w;       // input
    int oh, ow;           // output
    int k, stride, pad, dilation;
};

// An input value as the convolution reads it.
__device__ __forceinline__ float parsec_dw_input(float v, int relu_input)
{
    return relu_input ? fmaxf(v, 0.0f) : v;
}

// y[n, c, oy, ox] = sum over taps (i, j) of x[n, c, oy*s - p + i*d, ox*s - p + j*d] * w[c, i, j].
extern "C" __global__ void depthwise_forward(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y, DepthwiseGeometry g,
                                             int relu_input)
{
    i64 total = (i64)g.n * g.c * g.oh * g.ow;
    PARSEC_GRID_STRIDE(idx, total)
    {
        int ox = (int)(idx % g.ow);
        i64 t = idx / g.ow;
        int oy = (int)(t % g.oh);
        i64 nc = t / g.oh;
        int c = (int)(nc % g.c);
        const float* xp = x + nc * g.h * g.w;
        const float* wp = w + (i64)c * g.k * g.k;
        float acc = 0.0f;
        for (int i = 0; i < g.k; i++)
        {
            int iy = oy * g.stride - g.pad + i * g.dilation;
            if (iy < 0 || iy >= g.h) continue;
            for (int j = 0; j < g.k; j++)
            {
                int ix = ox * g.stride - g.pad + j * g.dilation;
                if (ix >= 0 && ix < g.w) acc += parsec_dw_input(xp[iy * g.w + ix], relu_input) * wp[i * g.k + j];
            }
        }
        y[idx] = acc;
    }
}

// dx[n, c, iy, ix] (+)= sum over taps (i, j) with iy = oy*s - p + i*d (and likewise for x) of dy[n, c, oy, ox] * w[c, i, j]:
// a gather, so every dx element is written once. With relu_mask, dx gets the sum only where relu_mask > 0.
extern "C" __global__ void depthwise_backward_data(const float* __restrict__ dy, const float* __restrict__ w, float* dx, DepthwiseGeometry g, int accumulate,
                                                   const float* __restrict__ relu_mask)
{
    i64 total = (i64)g.n * g.c * g.h * g.w;
    PARSEC_GRID_STRIDE(idx, total)
    {
        int ix = (int)(idx % g.w);
        i64 t = idx / g.w;
        int iy = (int)(t % g.h);
        i64 nc = t / g.h;
        int c = (int)(nc % g.c);
        const float* dyp = dy + nc * g.oh * g.ow;
        const float* wp = w + (i64)c * g.k * g.k;
        float acc = 0.0f;
        for (int i = 0; i < g.k; i++)
        {
            int ty = iy + g.pad - i * g.dilation;
            if (ty < 0 || ty % g.stride != 0) continue;
            int oy = ty / g.stride;
            if (oy >= g.oh) continue;
            for (int j = 0; j < g.k; j++)
            {
                int tx = ix + g.pad - j * g.dilation;
                if (tx < 0 || tx % g.stride != 0) continue;
                int ox = tx / g.stride;
                if (ox < g.ow) acc += dyp[oy * g.ow + ox] * wp[i * g.k + j];
            }
        }
        if (relu_mask != 0 && !(relu_mask[idx] > 0.0f)) acc = 0.0f;
        parsec_store(&dx[idx], acc, accumulate);
    }
}

// First pass of dw[c, i, j] = sum over n, oy, ox of dy[n, c, oy, ox] * x[n, c, oy*s - p + i*d, ox*s - p + j*d].
// Block (c, split) covers channel c over images [n * split / splits, n * (split + 1) / splits); each thread keeps
// the K*K tap sums in registers, the block reduces them, and partial[(c * splits + split) * K*K + tap] gets the result.
template <int K>
__device__ __forceinline__ void depthwise_backward_filter_partial(const float* __restrict__ x, const float* __restrict__ dy,
                                                                  float* __restrict__ partial, DepthwiseGeometry g, int splits, int relu_input)
{
    __shared__ float warp_sums[PARSEC_DW_THREADS / 32][K * K];
    const int c = blockIdx.x, split = blockIdx.y;
    const int n0 = (int)((i64)g.n * split / splits), n1 = (int)((i64)g.n * (split + 1) / splits);
    const int plane = g.oh * g.ow;
    const i64 count = (i64)(n1 - n0) * plane;
    float acc[K * K];
#pragma unroll
    for (int t = 0; t < K * K; t++) acc[t] = 0.0f;
    for (i64 q = threadIdx.x; q < count; q += blockDim.x)
    {
        int image = n0 + (int)(q / plane);
        int r = (int)(q % plane);
        int oy = r / g.ow, ox = r % g.ow;
        i64 nc = (i64)image * g.c + c;
        float d = dy[nc * plane + r];
        const float* xp = x + nc * g.h * g.w;
#pragma unroll
        for (int i = 0; i < K; i++)
        {
            int iy = oy * g.stride - g.pad + i * g.dilation;
            bool row = iy >= 0 && iy < g.h;
#pragma unroll
            for (int j = 0; j < K; j++)
            {
                int ix = ox * g.stride - g.pad + j * g.dilation;
                float v = (row && ix >= 0 && ix < g.w) ? parsec_dw_input(xp[iy * g.w + ix], relu_input) : 0.0f;
                acc[i * K + j] += d * v;
            }
        }
    }
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
    for (int t = 0; t < K * K; t++)
    {
        float v = parsec_warp_sum(acc[t]);
        if (lane == 0) warp_sums[warp][t] = v;
    }
    __syncthreads();
    if (threadIdx.x < K * K)
    {
        float s = 0.0f;
        for (int w = 0; w < (int)(blockDim.x >> 5); w++) s += warp_sums[w][threadIdx.x];
        partial[((i64)c * splits + split) * (K * K) + threadIdx.x] = s;
    }
}

extern "C" __global__ void depthwise_backward_filter_partial_k3(const float* __restrict__ x, const float* __restrict__ dy,
                                                                float* __restrict__ partial, DepthwiseGeometry g, int splits, int relu_input)
{
    depthwise_backward_filter_partial<3>(x, dy, partial, g, splits, relu_input);
}

extern "C" __global__ void depthwise_backward_filter_partial_k5(const float* __restrict__ x, const float* __restrict__ dy,
                                                                float* __restrict__ partial, DepthwiseGeometry g, int splits, int relu_input)
{
    depthwise_backward_filter_partial<5>(x, dy, partial, g, splits, relu_input);
}

extern "C" __global__ void depthwise_backward_filter_partial_k7(const float* __restrict__ x, const float* __restrict__ dy,
                                                                float* __restrict__ partial, DepthwiseGeometry g, int splits, int relu_input)
{
    depthwise_backward_filter_partial<7>(x, dy, partial, g, splits, relu_input);
}

// Second pass: dw[c, tap] (+)= sum over splits of partial[c, split, tap], in a fixed order (deterministic).
extern "C" __global__ void depthwise_backward_filter_finish(const float* __restrict__ partial, int splits, int taps, int channels,
                                                           float* dw, int accumulate)
{
    PARSEC_GRID_STRIDE(idx, (i64)channels * taps)
    {
        i64 c = idx / taps;
        int t = (int)(idx % taps);
        float s = 0.0f;
        for (int sp = 0; sp < splits; sp++) s += partial[(c * splits + sp) * taps + t];
        parsec_store(&dw[idx], s, accumulate);
    }
}
