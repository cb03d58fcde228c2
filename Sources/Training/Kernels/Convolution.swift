import CTrainingKernels

/// CONV_2D: weights `[O, KH, KW, I]`, optional bias `[O]`, stride, dilation, SAME/VALID padding, fused activation.
/// Forward as im2col + one matrix product over the whole batch; backward as two products and col2im.
struct ConvolutionLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName = "CONV_2D"
    let input: Int
    let output: Int
    let weights: Int
    let bias: Int?
    let geometry: tk_conv_geometry
    let outputChannels: Int
    let activation: FusedActivation
    let inputNeedsGradient: Bool
    /// Position of this layer in the graph (its slot in `Workspace.scratch`).
    let scratchSlot: Int

    var activationInputs: [Int] { [input] }
    var positions: Int { Int(geometry.out_height * geometry.out_width) }
    var patchLength: Int { Int(geometry.kernel_height * geometry.kernel_width * geometry.channels) }
    var inputElements: Int { Int(geometry.in_height * geometry.in_width * geometry.channels) }

    func scratchElements(batch: Int) -> Int { batch * positions * patchLength + patchLength * outputChannels }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let patches = workspace.scratch[scratchSlot]!
        let rows = batch * positions, k = patchLength, o = outputChannels
        let x = workspace.value(input), y = workspace.value(output)
        var g = geometry
        for n in 0..<batch { tk_im2col(&g, x + n * inputElements, patches + n * positions * k) }
        let transposed = patches + rows * k
        parameters[weights].values.withUnsafeBufferPointer { w in
            for oc in 0..<o { for p in 0..<k { transposed[p * o + oc] = w[oc * k + p] } }
        }
        fillBias(y, rows: rows, channels: o, bias: bias.map { parameters[$0].values })
        tk_gemm_nn(Int32(rows), Int32(o), Int32(k), patches, Int32(k), transposed, Int32(o), y, Int32(o))
        activation.apply(y, count: rows * o)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        let patches = workspace.scratch[scratchSlot]!
        let rows = batch * positions, k = patchLength, o = outputChannels
        activation.maskGradient(dy, outputs: workspace.value(output), count: rows * o)
        tk_gemm_tn(Int32(o), Int32(k), Int32(rows), dy, Int32(o), patches, Int32(k), workspace.parameterGradients[weights], Int32(k))
        if let bias { accumulateBiasGradient(workspace.parameterGradients[bias], dy, rows: rows, channels: o) }
        guard inputNeedsGradient, let dx = workspace.gradient(input) else { return }
        // The patches are no longer needed: reuse them for the patch gradients.
        patches.update(repeating: 0, count: rows * k)
        parameters[weights].values.withUnsafeBufferPointer { w in
            tk_gemm_nn(Int32(rows), Int32(k), Int32(o), dy, Int32(o), w.baseAddress!, Int32(k), patches, Int32(k))
        }
        var g = geometry
        for n in 0..<batch { tk_col2im(&g, patches + n * positions * k, dx + n * inputElements) }
    }
}

/// y[r][c] = bias[c] (or 0) for every row.
func fillBias(_ y: UnsafeMutablePointer<Float>, rows: Int, channels: Int, bias: [Float]?) {
    guard let bias else { tk_fill_rows(y, rows, Int32(channels), nil); return }
    bias.withUnsafeBufferPointer { b in tk_fill_rows(y, rows, Int32(channels), b.baseAddress) }
}

/// db[c] += Σ_r dy[r][c].
func accumulateBiasGradient(_ db: UnsafeMutablePointer<Float>, _ dy: UnsafePointer<Float>, rows: Int, channels: Int) {
    tk_sum_rows(db, dy, rows, Int32(channels))
}
