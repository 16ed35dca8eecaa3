// Element-wise ops over flat float buffers of n elements. Backward kernels honour `accumulate`
// (dst += result instead of dst = result) so the tape can sum gradient contributions without zero fills.
// Fill is not a kernel: the backend uses cuMemsetD32Async with the value's bit pattern.
#include "common.cuh"

extern "C" __global__ void relu_forward(const float* __restrict__ x, float* __restrict__ y, i64 n)
{
    PARSEC_GRID_STRIDE(i, n) y[i] = fmaxf(x[i], 0.0f);
}

// dx (+)= dy * (y > 0), from the forward output y.
extern "C" __global__ void relu_backward(const float* __restrict__ y, const float* __restrict__ dy, float* dx, i64 n, int accumulate)
{
    PARSEC_GRID_STRIDE(i, n) parsec_store(&dx[i], y[i] > 0.0f ? dy[i] : 0.0f, accumulate);
}

extern "C" __global__ void add_forward(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ y, i64 n)
{
    PARSEC_GRID_STRIDE(i, n) y[i] = a[i] + b[i];
}

// y (+)= alpha * x. x may be y (in-place scaling), so neither pointer is __restrict__.
extern "C" __global__ void scale(const float* x, float alpha, float* y, i64 n, int accumulate)
{
    PARSEC_GRID_STRIDE(i, n) parsec_store(&y[i], alpha * x[i], accumulate);
}

// y[r, ...] (+)= x[r, ...] * row_scale[r] for rows of row_length elements (drop path).
extern "C" __global__ void scale_rows(const float* __restrict__ x, const float* __restrict__ row_scale, i64 row_length,
                                      float* y, i64 n, int accumulate)
{
    PARSEC_GRID_STRIDE(i, n) parsec_store(&y[i], x[i] * row_scale[i / row_length], accumulate);
}
