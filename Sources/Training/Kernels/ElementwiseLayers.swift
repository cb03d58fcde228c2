import Foundation

/// ADD of two tensors of the same shape, with a fused activation.
struct AddLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName = "ADD"
    let first: Int
    let second: Int
    let output: Int
    let elements: Int
    let activation: FusedActivation
    let inputsNeedGradient: [Bool]

    var activationInputs: [Int] { [first, second] }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let a = workspace.value(first), b = workspace.value(second), y = workspace.value(output)
        let count = batch * elements
        for i in 0..<count { y[i] = a[i] + b[i] }
        activation.apply(y, count: count)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        let count = batch * elements
        activation.maskGradient(dy, outputs: workspace.value(output), count: count)
        for (k, input) in [first, second].enumerated() where inputsNeedGradient[k] {
            guard let dx = workspace.gradient(input) else { continue }
            for i in 0..<count { dx[i] += dy[i] }
        }
    }
}

/// A standalone RELU, RELU6 or RELU_N1_TO_1 operator.
struct ActivationLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName: String
    let input: Int
    let output: Int
    let elements: Int
    let activation: FusedActivation
    let inputNeedsGradient: Bool

    var activationInputs: [Int] { [input] }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let y = workspace.value(output)
        y.update(from: workspace.value(input), count: batch * elements)
        activation.apply(y, count: batch * elements)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard inputNeedsGradient, let dy = workspace.gradient(output), let dx = workspace.gradient(input) else { return }
        activation.maskGradient(dy, outputs: workspace.value(output), count: batch * elements)
        for i in 0..<(batch * elements) { dx[i] += dy[i] }
    }
}

/// SOFTMAX over the last dimension: `y = exp(β·x − max) / Σ`.
struct SoftmaxLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName = "SOFTMAX"
    let input: Int
    let output: Int
    let rowLength: Int
    let rowsPerSample: Int
    let beta: Float
    let inputNeedsGradient: Bool

    var activationInputs: [Int] { [input] }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let x = workspace.value(input), y = workspace.value(output)
        for r in 0..<(batch * rowsPerSample) {
            Softmax.row(x + r * rowLength, into: y + r * rowLength, count: rowLength, scale: beta)
        }
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard inputNeedsGradient, let dy = workspace.gradient(output), let dx = workspace.gradient(input) else { return }
        let y = workspace.value(output)
        for r in 0..<(batch * rowsPerSample) {
            let ys = y + r * rowLength, gs = dy + r * rowLength, dxs = dx + r * rowLength
            var dot: Float = 0
            for i in 0..<rowLength { dot += ys[i] * gs[i] }
            for i in 0..<rowLength { dxs[i] += beta * ys[i] * (gs[i] - dot) }
        }
    }
}

enum Softmax {
    /// `out = softmax(scale · x)` for one row, computed stably (max subtracted).
    static func row(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int, scale: Float) {
        var largest = -Float.infinity
        for i in 0..<count { largest = max(largest, scale * x[i]) }
        var sum: Float = 0
        for i in 0..<count {
            let e = Foundation.exp(scale * x[i] - largest)
            out[i] = e
            sum += e
        }
        let inverse = 1 / sum
        for i in 0..<count { out[i] *= inverse }
    }
}
