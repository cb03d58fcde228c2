/* Float32 kernels for host-side training (Sources/Training): matrix products and patch gathering.
 * Row-major matrices with explicit leading dimensions (elements per row). Every function accumulates into its
 * output (C += ...); callers zero it first when they want a plain product. Not used by the firmware. */
#ifndef TINYHIL_TRAINING_KERNELS_H
#define TINYHIL_TRAINING_KERNELS_H

/* C[M x N] += A[M x K] * B[K x N] */
void tk_gemm_nn(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc);

/* C[M x N] += transpose(A)[M x K] * B[K x N], where A is stored K x M. */
void tk_gemm_tn(int m, int n, int k, const float *a, int lda, const float *b, int ldb, float *c, int ldc);

/* Geometry of one 2-D convolution over an NHWC sample. */
typedef struct {
    int in_height, in_width, channels;
    int kernel_height, kernel_width;
    int stride_height, stride_width;
    int dilation_height, dilation_width;
    int pad_top, pad_left;
    int out_height, out_width;
} tk_conv_geometry;

/* One sample: patches[(oy*out_width+ox)][(ky*kernel_width+kx)*channels + c] = in[iy][ix][c] (0 outside). */
void tk_im2col(const tk_conv_geometry *g, const float *in, float *patches);

/* The adjoint of tk_im2col: in_gradient[iy][ix][c] += patches[...] for every in-bounds tap. */
void tk_col2im(const tk_conv_geometry *g, const float *patches, float *in_gradient);

/* AVERAGE_POOL_2D (maximum 0) or MAX_POOL_2D (maximum 1) of one NHWC sample; the geometry's channels are the
 * pooled channels. An average divides by the in-bounds taps, as TFLite does. */
void tk_pool_forward(const tk_conv_geometry *g, int maximum, const float *in, float *out);

/* Their gradients: an average spreads each output gradient over its in-bounds taps; a maximum gives it to the
 * first tap, in (ky, kx) order, that holds the channel's maximum. Accumulates into in_gradient. */
void tk_pool_backward(const tk_conv_geometry *g, int maximum, const float *in, const float *out_gradient,
                      float *in_gradient);

/* values[i] = min(max(values[i], lower), upper) (a fused RELU, RELU6 or RELU_N1_TO_1). */
void tk_clamp(float *values, long count, float lower, float upper);

/* gradient[i] = 0 where outputs[i] is not strictly inside (lower, upper): the clamp was active there (a value
 * exactly at a bound counts as clamped, as in TensorFlow's ReluGrad and Relu6Grad). */
void tk_mask_gradient(float *gradient, const float *outputs, long count, float lower, float upper);

/* y[r][c] = row[c] for r < rows (row NULL: 0). */
void tk_fill_rows(float *y, long rows, int channels, const float *row);

/* sum[c] += x[r][c] over r < rows. */
void tk_sum_rows(float *sum, const float *x, long rows, int channels);

/* 1 when the AVX2+FMA variants run on this host, else 0. */
int tk_vector_level(void);

#endif
