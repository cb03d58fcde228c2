import CTrainingKernels

/// AVERAGE_POOL_2D (mean of the in-bounds taps, as TFLite counts them) and MAX_POOL_2D (gradient to the first
/// maximum), with a fused activation.
struct PoolingLayer: TrainingLayer {
    enum Kind: Sendable { case average, maximum }

    let operatorIndex: Int
    let kind: Kind
    let input: Int
    let output: Int
    let window: WindowGeometry
    let activation: FusedActivation
    let inputNeedsGradient: Bool

    var operatorName: String { kind == .average ? "AVERAGE_POOL_2D" : "MAX_POOL_2D" }
    var activationInputs: [Int] { [input] }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let w = window, outputElements = w.outputPositions * w.channels
        let x = workspace.value(input), y = workspace.value(output)
        var geometry = w.kernelGeometry
        for n in 0..<batch {
            tk_pool_forward(&geometry, kind == .maximum ? 1 : 0, x + n * w.inputElements, y + n * outputElements)
        }
        activation.apply(y, count: batch * outputElements)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        let w = window, outputElements = w.outputPositions * w.channels
        activation.maskGradient(dy, outputs: workspace.value(output), count: batch * outputElements)
        guard inputNeedsGradient, let dx = workspace.gradient(input) else { return }
        let x = workspace.value(input)
        var geometry = w.kernelGeometry
        for n in 0..<batch {
            tk_pool_backward(&geometry, kind == .maximum ? 1 : 0, x + n * w.inputElements, dy + n * outputElements,
                             dx + n * w.inputElements)
        }
    }
}
