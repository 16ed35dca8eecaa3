// Batch norm fused with the ReLU that follows it (per channel over N, H, W; NCHW), the one pair of the DARTS
// cells that cuDNN does not fuse in fp32 NCHW. The training kernels mirror the CPU reference loop
// (Cpu/BatchNormalization.cs): one block per channel; the mean first, then the sum of squared deviations around
// it (sums in double), then y = max(x * scale + shift, 0). gamma and beta are null for a norm without affine
// parameters; dgamma and dbeta are null when not wanted and otherwise always accumulate (weight gradients).
#include "common.cuh"

#define PARSEC_BN_THREADS 256

// The block's sum of v (every thread gets it); shared holds one double per warp.
__device__ __forceinline__ double parsec_block_sum(double v, double* shared)
{
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = parsec_warp_sum_double(v);
    __syncthreads();  // shared may still be read from the previous sum
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    double total = 0.0;
    for (int w = 0; w < warps; w++) total += shared[w];
    return total;
}

// Element e of channel c: sample e / plane, position e % plane.
__device__ __forceinline__ i64 parsec_bn_index(i64 e, int c, int channels, int plane)
{
    return ((e / plane) * channels + c) * plane + e % plane;
}

// Block c: batch statistics of channel c, running statistics (PyTorch momentum, unbiased variance), saved mean
// and 1 / sqrt(var + eps), and y = max(bn(x), 0). Launch with PARSEC_BN_THREADS threads and one block per channel.
extern "C" __global__ void batch_norm_relu_training(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                                    float* run_mean, float* run_var, double momentum, double epsilon, float* __restrict__ y,
                                                    float* save_mean, float* save_inv_std, int n, int channels, int plane)
{
    __shared__ double shared[PARSEC_BN_THREADS / 32];
    const int c = blockIdx.x;
    const i64 count = (i64)n * plane;
    double sum = 0.0;
    for (i64 e = threadIdx.x; e < count; e += blockDim.x) sum += x[parsec_bn_index(e, c, channels, plane)];
    const double mean = parsec_block_sum(sum, shared) / count;
    double squares = 0.0;
    for (i64 e = threadIdx.x; e < count; e += blockDim.x)
    {
        double d = x[parsec_bn_index(e, c, channels, plane)] - mean;
        squares += d * d;
    }
    const double variance = parsec_block_sum(squares, shared) / count;
    const double inv_std = 1.0 / sqrt(variance + epsilon);
    if (threadIdx.x == 0)
    {
        save_mean[c] = (float)mean;
        save_inv_std[c] = (float)inv_std;
        run_mean[c] = (float)((1 - momentum) * run_mean[c] + momentum * mean);
        run_var[c] = (float)((1 - momentum) * run_var[c] + momentum * variance * count / (count - 1));
    }
    const float scale = (float)(inv_std * (gamma != 0 ? gamma[c] : 1.0f));
    const float shift = (float)((beta != 0 ? beta[c] : 0.0f) - mean * scale);
    for (i64 e = threadIdx.x; e < count; e += blockDim.x)
    {
        i64 i = parsec_bn_index(e, c, channels, plane);
        y[i] = fmaxf(fmaf(x[i], scale, shift), 0.0f);
    }
}

// Evaluation mode: y = max(bn(x), 0) with the running statistics, one thread per element.
extern "C" __global__ void batch_norm_relu_inference(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                                     const float* __restrict__ run_mean, const float* __restrict__ run_var, double epsilon,
                                                     float* __restrict__ y, int channels, int plane, i64 total)
{
    PARSEC_GRID_STRIDE(i, total)
    {
        int c = (int)((i / plane) % channels);
        double scale = (gamma != 0 ? gamma[c] : 1.0f) / sqrt((double)run_var[c] + epsilon);
        double shift = (beta != 0 ? beta[c] : 0.0f) - run_mean[c] * scale;
        y[i] = fmaxf(fmaf(x[i], (float)scale, (float)shift), 0.0f);
    }
}

// Block c: with g = dy where the forward output y > 0 (else 0), xhat = (x - mean) inv_std, m = N H W:
// dbeta += sum g, dgamma += sum g xhat, dx (+)= gamma inv_std (g - sum g / m - xhat sum g xhat / m).
extern "C" __global__ void batch_norm_relu_backward(const float* __restrict__ x, const float* __restrict__ dy, const float* __restrict__ y,
                                                    const float* __restrict__ gamma, const float* __restrict__ save_mean,
                                                    const float* __restrict__ save_inv_std, float* dx, float* dgamma, float* dbeta,
                                                    int n, int channels, int plane, int accumulate)
{
    __shared__ double shared[PARSEC_BN_THREADS / 32];
    const int c = blockIdx.x;
    const i64 count = (i64)n * plane;
    const float mean = save_mean[c];
    const double inv_std = save_inv_std[c];
    double sum_g = 0.0, sum_g_centered = 0.0;
    for (i64 e = threadIdx.x; e < count; e += blockDim.x)
    {
        i64 i = parsec_bn_index(e, c, channels, plane);
        float g = y[i] > 0.0f ? dy[i] : 0.0f;
        sum_g += g;
        sum_g_centered += (double)g * (x[i] - mean);
    }
    sum_g = parsec_block_sum(sum_g, shared);
    const double sum_g_xhat = parsec_block_sum(sum_g_centered, shared) * inv_std;
    if (threadIdx.x == 0)
    {
        if (dgamma != 0) dgamma[c] += (float)sum_g_xhat;
        if (dbeta != 0) dbeta[c] += (float)sum_g;
    }
    const double a = (gamma != 0 ? gamma[c] : 1.0f) * inv_std;
    const double b = -a * inv_std * sum_g_xhat / count;
    const float fa = (float)a, fb = (float)b, fc = (float)(-a * sum_g / count - b * mean);
    for (i64 e = threadIdx.x; e < count; e += blockDim.x)
    {
        i64 i = parsec_bn_index(e, c, channels, plane);
        float g = y[i] > 0.0f ? dy[i] : 0.0f;
        parsec_store(&dx[i], fmaf(g, fa, fmaf(x[i], fb, fc)), accumulate);
    }
}

// y = max(y, 0) in place: the ReLU after cuDNN's batch norm when the pair runs unfused (the library path).
extern "C" __global__ void relu_in_place(float* y, i64 n)
{
    PARSEC_GRID_STRIDE(i, n) y[i] = fmaxf(y[i], 0.0f);
}
