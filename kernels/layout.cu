// Channel copies (concatenation and its adjoint) and spatial slices of NCHW tensors.
#include "common.cuh"

// dst[b, dst_offset + c, p] (+)= src[b, src_offset + c, p] for c < count, p < plane (= H * W), b < batch.
extern "C" __global__ void copy_channels(const float* __restrict__ src, int src_channels, int src_offset,
                                         float* dst, int dst_channels, int dst_offset,
                                         int count, int batch, i64 plane, int accumulate)
{
    i64 n = (i64)batch * count * plane;
    PARSEC_GRID_STRIDE(i, n)
    {
        i64 p = i % plane;
        i64 t = i / plane;
        i64 c = t % count;
        i64 b = t / count;
        parsec_store(&dst[(b * dst_channels + dst_offset + c) * plane + p], src[(b * src_channels + src_offset + c) * plane + p], accumulate);
    }
}

// y[q, i, j] = x[q, off_h + i, off_w + j] over planes q = N * C.
extern "C" __global__ void slice_spatial_forward(const float* __restrict__ x, int xh, int xw, int off_h, int off_w,
                                                 float* __restrict__ y, int yh, int yw, i64 planes)
{
    i64 n = planes * yh * yw;
    PARSEC_GRID_STRIDE(i, n)
    {
        int j = (int)(i % yw);
        i64 t = i / yw;
        int r = (int)(t % yh);
        i64 q = t / yh;
        y[i] = x[(q * xh + off_h + r) * xw + off_w + j];
    }
}

// The slice's adjoint: dx (+)= dy placed at (off_h, off_w), zeros elsewhere. Runs over dx so that the
// overwrite case writes every element exactly once.
extern "C" __global__ void slice_spatial_backward(const float* __restrict__ dy, int yh, int yw, int off_h, int off_w,
                                                  float* dx, int xh, int xw, i64 planes, int accumulate)
{
    i64 n = planes * xh * xw;
    PARSEC_GRID_STRIDE(i, n)
    {
        int j = (int)(i % xw);
        i64 t = i / xw;
        int r = (int)(t % xh);
        i64 q = t / xh;
        int yr = r - off_h, yj = j - off_w;
        bool inside = yr >= 0 && yr < yh && yj >= 0 && yj < yw;
        float v = inside ? dy[(q * yh + yr) * yw + yj] : 0.0f;
        if (accumulate) { if (inside) dx[i] += v; }
        else dx[i] = v;
    }
}
