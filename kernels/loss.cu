// Softmax cross-entropy over (rows, classes) logits with Int32 labels.
#include "common.cuh"

// One warp per row: probs = softmax(logits[r]); log_likelihood[r] = log softmax(logits[r])[label].
// A label outside [0, classes) sets *bad_label (read back by the launcher) and yields NaN.
extern "C" __global__ void softmax_xent_forward(const float* __restrict__ logits, const int* __restrict__ labels, int rows, int classes,
                                                float* __restrict__ probs, float* __restrict__ log_likelihood, int* bad_label)
{
    const int lane = threadIdx.x & 31;
    const int warps_per_grid = gridDim.x * (blockDim.x >> 5);
    for (int r = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5); r < rows; r += warps_per_grid)
    {
        const float* z = logits + (i64)r * classes;
        float m = -3.402823466e38f;
        for (int c = lane; c < classes; c += 32) m = fmaxf(m, z[c]);
        m = __shfl_sync(0xffffffffu, parsec_warp_max(m), 0);
        float s = 0.0f;
        for (int c = lane; c < classes; c += 32) s += expf(z[c] - m);
        s = __shfl_sync(0xffffffffu, parsec_warp_sum(s), 0);
        float inv = 1.0f / s;
        float* p = probs + (i64)r * classes;
        for (int c = lane; c < classes; c += 32) p[c] = expf(z[c] - m) * inv;
        if (lane == 0)
        {
            int label = labels[r];
            if (label < 0 || label >= classes)
            {
                *bad_label = 1;
                log_likelihood[r] = __int_as_float(0x7fc00000);
            }
            else log_likelihood[r] = z[label] - m - logf(s);
        }
    }
}

// dlogits[r, c] (+)= row_weight[r] * (probs[r, c] - (c == label[r])).
extern "C" __global__ void softmax_xent_backward(const float* __restrict__ probs, const int* __restrict__ labels,
                                                 const float* __restrict__ row_weight, int rows, int classes,
                                                 float* dlogits, int accumulate)
{
    i64 n = (i64)rows * classes;
    PARSEC_GRID_STRIDE(i, n)
    {
        int r = (int)(i / classes);
        int c = (int)(i % classes);
        float g = row_weight[r] * (probs[i] - (c == labels[r] ? 1.0f : 0.0f));
        parsec_store(&dlogits[i], g, accumulate);
    }
}
