// Bias of a fully connected layer on a row-major (rows, cols) matrix; the matrix product itself is cuBLAS.
#include "common.cuh"

// y[r, c] += bias[c].
extern "C" __global__ void add_bias(float* y, const float* __restrict__ bias, int rows, int cols)
{
    i64 n = (i64)rows * cols;
    PARSEC_GRID_STRIDE(i, n) y[i] += bias[i % cols];
}

// dbias[c] (+)= sum over r of dy[r, c]: one thread per column, reading a row's columns side by side (coalesced).
extern "C" __global__ void bias_backward(const float* __restrict__ dy, int rows, int cols, float* dbias, int accumulate)
{
    PARSEC_GRID_STRIDE(c, (i64)cols)
    {
        float sum = 0.0f;
        for (int r = 0; r < rows; r++) sum += dy[(i64)r * cols + c];
        parsec_store(&dbias[c], sum, accumulate);
    }
}
