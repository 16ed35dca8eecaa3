// Multi-tensor ops: up to PARSEC_MT_SLOTS storages per launch. The table of storages travels by value as a
// kernel argument (no device-side table to upload). Slot s owns blocks [block_start[s], block_start[s + 1]);
// its blocks stride over its elements together, so a large tensor gets several blocks and a small one one.
// The C# struct TensorSlots in the CUDA backend mirrors this layout field for field (a test pins the size).
#include "common.cuh"

#define PARSEC_MT_SLOTS 32

struct TensorSlots
{
    float* data[PARSEC_MT_SLOTS];
    i64 length[PARSEC_MT_SLOTS];
    int block_start[PARSEC_MT_SLOTS + 1];
    int count;
};

// The slot of this block, and the block's place among the slot's blocks.
__device__ __forceinline__ int parsec_mt_slot(const TensorSlots& slots, int* first_block, int* blocks)
{
    int s = 0;
    while (s + 1 < slots.count && (int)blockIdx.x >= slots.block_start[s + 1]) s++;
    *first_block = slots.block_start[s];
    *blocks = slots.block_start[s + 1] - slots.block_start[s];
    return s;
}

#define PARSEC_MT_LOOP(i, slots, s)                                                                  \
    int first_block_, blocks_;                                                                      \
    int s = parsec_mt_slot(slots, &first_block_, &blocks_);                                         \
    for (i64 i = (i64)((int)blockIdx.x - first_block_) * blockDim.x + threadIdx.x; i < slots.length[s]; \
         i += (i64)blocks_ * blockDim.x)

extern "C" __global__ void fill_many(TensorSlots slots, float value)
{
    PARSEC_MT_LOOP(i, slots, s) slots.data[s][i] = value;
}

extern "C" __global__ void scale_many(TensorSlots slots, float factor)
{
    PARSEC_MT_LOOP(i, slots, s) slots.data[s][i] *= factor;
}

// partial[b] = the sum of x^2 over block b's elements, in double. The launcher adds the partials of all
// launches in a fixed order (sum_partials of reduce.cu), so the total does not depend on scheduling.
extern "C" __global__ void sum_squares_many(TensorSlots slots, double* __restrict__ partial)
{
    double sum = 0.0;
    PARSEC_MT_LOOP(i, slots, s)
    {
        double v = (double)slots.data[s][i];
        sum += v * v;
    }
    parsec_block_sum_double(sum, &partial[blockIdx.x]);
}

// *flag = 0 when any element of any slot is infinite or NaN (the launcher sets it to 1 first).
extern "C" __global__ void all_finite_many(TensorSlots slots, int* flag)
{
    PARSEC_MT_LOOP(i, slots, s)
    {
        if (!parsec_is_finite(slots.data[s][i])) *flag = 0;
    }
}
