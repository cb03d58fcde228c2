import CTrainingKernels

/// FULLY_CONNECTED: weights `[O, I]`, optional bias `[O]`; the input is read as rows of `I` values.
struct FullyConnectedLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName = "FULLY_CONNECTED"
    let input: Int
    let output: Int
    let weights: Int
    let bias: Int?
    let inputFeatures: Int
    let outputFeatures: Int
    /// Rows of `inputFeatures` per sample (1 unless the input has more elements than one row).
    let rowsPerSample: Int
    let activation: FusedActivation
    let inputNeedsGradient: Bool
    let scratchSlot: Int

    var activationInputs: [Int] { [input] }

    func scratchElements(batch: Int) -> Int { inputFeatures * outputFeatures }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let rows = batch * rowsPerSample, i = inputFeatures, o = outputFeatures
        let transposed = workspace.scratch[scratchSlot]!
        parameters[weights].values.withUnsafeBufferPointer { w in
            for oc in 0..<o { for p in 0..<i { transposed[p * o + oc] = w[oc * i + p] } }
        }
        let y = workspace.value(output)
        fillBias(y, rows: rows, channels: o, bias: bias.map { parameters[$0].values })
        tk_gemm_nn(Int32(rows), Int32(o), Int32(i), workspace.value(input), Int32(i), transposed, Int32(o), y, Int32(o))
        activation.apply(y, count: rows * o)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        let rows = batch * rowsPerSample, i = inputFeatures, o = outputFeatures
        activation.maskGradient(dy, outputs: workspace.value(output), count: rows * o)
        tk_gemm_tn(Int32(o), Int32(i), Int32(rows), dy, Int32(o), workspace.value(input), Int32(i),
                   workspace.parameterGradients[weights], Int32(i))
        if let bias { accumulateBiasGradient(workspace.parameterGradients[bias], dy, rows: rows, channels: o) }
        guard inputNeedsGradient, let dx = workspace.gradient(input) else { return }
        parameters[weights].values.withUnsafeBufferPointer { w in
            tk_gemm_nn(Int32(rows), Int32(i), Int32(o), dy, Int32(o), w.baseAddress!, Int32(i), dx, Int32(i))
        }
    }
}
