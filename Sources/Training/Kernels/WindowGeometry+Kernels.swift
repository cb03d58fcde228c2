import CTrainingKernels

extension WindowGeometry {
    /// The same window as the C kernels take it (im2col, col2im, pooling).
    var kernelGeometry: tk_conv_geometry {
        tk_conv_geometry(
            in_height: Int32(inHeight), in_width: Int32(inWidth), channels: Int32(channels),
            kernel_height: Int32(kernelHeight), kernel_width: Int32(kernelWidth),
            stride_height: Int32(strideHeight), stride_width: Int32(strideWidth),
            dilation_height: Int32(dilationHeight), dilation_width: Int32(dilationWidth),
            pad_top: Int32(padTop), pad_left: Int32(padLeft),
            out_height: Int32(outHeight), out_width: Int32(outWidth))
    }
}
