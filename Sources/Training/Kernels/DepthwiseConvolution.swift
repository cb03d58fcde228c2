/// DEPTHWISE_CONV_2D: weights `[1, KH, KW, C·M]`, optional bias `[C·M]`; output channel `c·M + m` reads input
/// channel `c`.
struct DepthwiseConvolutionLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName = "DEPTHWISE_CONV_2D"
    let input: Int
    let output: Int
    let weights: Int
    let bias: Int?
    let window: WindowGeometry
    let depthMultiplier: Int
    let activation: FusedActivation
    let inputNeedsGradient: Bool

    var activationInputs: [Int] { [input] }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let w = window, c = w.channels, oc = c * depthMultiplier, m = depthMultiplier
        let x = workspace.value(input), y = workspace.value(output)
        let rows = batch * w.outHeight * w.outWidth
        fillBias(y, rows: rows, channels: oc, bias: bias.map { parameters[$0].values })
        parameters[weights].values.withUnsafeBufferPointer { kernel in
            for n in 0..<batch {
                let xs = x + n * w.inputElements
                for oy in 0..<w.outHeight {
                    for ox in 0..<w.outWidth {
                        let out = y + ((n * w.outHeight + oy) * w.outWidth + ox) * oc
                        w.forEachTap(oy: oy, ox: ox) { tap, offset in
                            let kernelRow = tap * oc
                            for ci in 0..<c {
                                let value = xs[offset + ci]
                                for j in 0..<m { out[ci * m + j] += kernel[kernelRow + ci * m + j] * value }
                            }
                        }
                    }
                }
            }
        }
        activation.apply(y, count: rows * oc)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        let w = window, c = w.channels, oc = c * depthMultiplier, m = depthMultiplier
        let x = workspace.value(input)
        let rows = batch * w.outHeight * w.outWidth
        activation.maskGradient(dy, outputs: workspace.value(output), count: rows * oc)
        let dw = workspace.parameterGradients[weights]
        if let bias { accumulateBiasGradient(workspace.parameterGradients[bias], dy, rows: rows, channels: oc) }
        let dx = inputNeedsGradient ? workspace.gradient(input) : nil
        parameters[weights].values.withUnsafeBufferPointer { kernel in
            for n in 0..<batch {
                let xs = x + n * w.inputElements
                let dxs = dx.map { $0 + n * w.inputElements }
                for oy in 0..<w.outHeight {
                    for ox in 0..<w.outWidth {
                        let g = dy + ((n * w.outHeight + oy) * w.outWidth + ox) * oc
                        w.forEachTap(oy: oy, ox: ox) { tap, offset in
                            let kernelRow = tap * oc
                            for ci in 0..<c {
                                let value = xs[offset + ci]
                                var sum: Float = 0
                                for j in 0..<m {
                                    dw[kernelRow + ci * m + j] += g[ci * m + j] * value
                                    sum += g[ci * m + j] * kernel[kernelRow + ci * m + j]
                                }
                                dxs?[offset + ci] += sum
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The sliding-window geometry shared by convolutions and pools over one NHWC sample.
struct WindowGeometry: Sendable, Equatable {
    let inHeight, inWidth, channels: Int
    let kernelHeight, kernelWidth: Int
    let strideHeight, strideWidth: Int
    let dilationHeight, dilationWidth: Int
    let padTop, padLeft: Int
    let outHeight, outWidth: Int

    var inputElements: Int { inHeight * inWidth * channels }
    var outputPositions: Int { outHeight * outWidth }

    /// TFLite's output size and leading padding for SAME/VALID (see reference/tflm-int8-math.md).
    static func make(inHeight: Int, inWidth: Int, channels: Int, kernelHeight: Int, kernelWidth: Int,
                     strideHeight: Int, strideWidth: Int, dilationHeight: Int = 1, dilationWidth: Int = 1,
                     same: Bool) -> WindowGeometry? {
        guard strideHeight > 0, strideWidth > 0, dilationHeight > 0, dilationWidth > 0, kernelHeight > 0, kernelWidth > 0 else {
            return nil
        }
        func axis(_ size: Int, _ kernel: Int, _ stride: Int, _ dilation: Int) -> (out: Int, pad: Int) {
            let effective = (kernel - 1) * dilation + 1
            let out = same ? (size + stride - 1) / stride : (size - effective + stride) / stride
            let total = max((out - 1) * stride + effective - size, 0)
            return (out, total / 2)
        }
        let (oh, pt) = axis(inHeight, kernelHeight, strideHeight, dilationHeight)
        let (ow, pl) = axis(inWidth, kernelWidth, strideWidth, dilationWidth)
        guard oh > 0, ow > 0 else { return nil }
        return WindowGeometry(inHeight: inHeight, inWidth: inWidth, channels: channels, kernelHeight: kernelHeight,
                              kernelWidth: kernelWidth, strideHeight: strideHeight, strideWidth: strideWidth,
                              dilationHeight: dilationHeight, dilationWidth: dilationWidth, padTop: pt, padLeft: pl,
                              outHeight: oh, outWidth: ow)
    }

    /// Calls `body(tap, inputOffset)` for every in-bounds tap of output position (oy, ox); `tap` is
    /// `ky·kernelWidth + kx` and `inputOffset` the element offset of the tap's first channel in the sample.
    @inline(__always)
    func forEachTap(oy: Int, ox: Int, _ body: (Int, Int) -> Void) {
        for ky in 0..<kernelHeight {
            let iy = oy * strideHeight - padTop + ky * dilationHeight
            guard iy >= 0, iy < inHeight else { continue }
            for kx in 0..<kernelWidth {
                let ix = ox * strideWidth - padLeft + kx * dilationWidth
                guard ix >= 0, ix < inWidth else { continue }
                body(ky * kernelWidth + kx, (iy * inWidth + ix) * channels)
            }
        }
    }
}
