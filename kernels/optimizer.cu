// Optimizer steps over up to PARSEC_OPT_SLOTS parameters per launch. The parameter table travels by value
// as a kernel argument (no device-side table to upload): block b works on the slot s with
// block_start[s] <= b < block_start[s + 1], on elements [(b - block_start[s]) * PARSEC_OPT_CHUNK, +PARSEC_OPT_CHUNK).
// The C# structs in the CUDA backend mirror these layouts field for field (tests pin the sizes).
#include "common.cuh"

#define PARSEC_OPT_SLOTS 16
#define PARSEC_OPT_CHUNK 4096

struct SgdSlots
{
    float* weight[PARSEC_OPT_SLOTS];
    const float* grad[PARSEC_OPT_SLOTS];
    float* momentum[PARSEC_OPT_SLOTS];
    i64 length[PARSEC_OPT_SLOTS];
    int block_start[PARSEC_OPT_SLOTS + 1];
    int count;
};

struct AdamSlots
{
    float* weight[PARSEC_OPT_SLOTS];
    const float* grad[PARSEC_OPT_SLOTS];
    float* first_moment[PARSEC_OPT_SLOTS];
    float* second_moment[PARSEC_OPT_SLOTS];
    i64 length[PARSEC_OPT_SLOTS];
    int block_start[PARSEC_OPT_SLOTS + 1];
    int count;
};

__device__ __forceinline__ int parsec_slot_of_block(const int* block_start, int count, int block)
{
    int s = 0;
    while (s + 1 < count && block >= block_start[s + 1]) s++;
    return s;
}

// PyTorch SGD (dampening 0, no Nesterov): d = g + wd * w; buf = momentum * buf + d; d = buf;
// w -= lr * d. With a zero-initialised buffer the first step gives buf = d, as PyTorch's clone does.
extern "C" __global__ void sgd_update(SgdSlots slots, float lr, float momentum, float weight_decay)
{
    int s = parsec_slot_of_block(slots.block_start, slots.count, blockIdx.x);
    i64 begin = (i64)(blockIdx.x - slots.block_start[s]) * PARSEC_OPT_CHUNK;
    i64 end = begin + PARSEC_OPT_CHUNK < slots.length[s] ? begin + PARSEC_OPT_CHUNK : slots.length[s];
    float* w = slots.weight[s];
    const float* g = slots.grad[s];
    float* buf = slots.momentum[s];
    for (i64 i = begin + threadIdx.x; i < end; i += blockDim.x)
    {
        float d = g[i] + weight_decay * w[i];
        if (momentum != 0.0f)
        {
            float b = momentum * buf[i] + d;
            buf[i] = b;
            d = b;
        }
        w[i] -= lr * d;
    }
}

// PyTorch Adam with L2 weight decay: g += wd * w; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// w -= step_size * m / (sqrt(v) * inv_sqrt_bc2 + eps), with step_size = lr / (1 - b1^t) and
// inv_sqrt_bc2 = 1 / sqrt(1 - b2^t) computed on the host in double.
extern "C" __global__ void adam_update(AdamSlots slots, float step_size, float beta1, float beta2, float epsilon,
                                       float weight_decay, float inv_sqrt_bc2)
{
    int s = parsec_slot_of_block(slots.block_start, slots.count, blockIdx.x);
    i64 begin = (i64)(blockIdx.x - slots.block_start[s]) * PARSEC_OPT_CHUNK;
    i64 end = begin + PARSEC_OPT_CHUNK < slots.length[s] ? begin + PARSEC_OPT_CHUNK : slots.length[s];
    float* w = slots.weight[s];
    const float* gr = slots.grad[s];
    float* m = slots.first_moment[s];
    float* v = slots.second_moment[s];
    for (i64 i = begin + threadIdx.x; i < end; i += blockDim.x)
    {
        float g = gr[i] + weight_decay * w[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        w[i] -= step_size * mi / (sqrtf(vi) * inv_sqrt_bc2 + epsilon);
    }
}
