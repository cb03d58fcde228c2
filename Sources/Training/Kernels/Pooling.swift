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
        let w = window, c = w.channels
        let x = workspace.value(input), y = workspace.value(output)
        for n in 0..<batch {
            let xs = x + n * w.inputElements
            for oy in 0..<w.outHeight {
                for ox in 0..<w.outWidth {
                    let out = y + ((n * w.outHeight + oy) * w.outWidth + ox) * c
                    switch kind {
                    case .average:
                        out.update(repeating: 0, count: c)
                        var count = 0
                        w.forEachTap(oy: oy, ox: ox) { _, offset in
                            count += 1
                            for ci in 0..<c { out[ci] += xs[offset + ci] }
                        }
                        let scale = 1 / Float(max(count, 1))
                        for ci in 0..<c { out[ci] *= scale }
                    case .maximum:
                        out.update(repeating: -.infinity, count: c)
                        w.forEachTap(oy: oy, ox: ox) { _, offset in
                            for ci in 0..<c where xs[offset + ci] > out[ci] { out[ci] = xs[offset + ci] }
                        }
                    }
                }
            }
        }
        activation.apply(y, count: batch * w.outputPositions * c)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        let w = window, c = w.channels
        activation.maskGradient(dy, outputs: workspace.value(output), count: batch * w.outputPositions * c)
        guard inputNeedsGradient, let dx = workspace.gradient(input) else { return }
        let x = workspace.value(input)
        for n in 0..<batch {
            let xs = x + n * w.inputElements, dxs = dx + n * w.inputElements
            for oy in 0..<w.outHeight {
                for ox in 0..<w.outWidth {
                    let g = dy + ((n * w.outHeight + oy) * w.outWidth + ox) * c
                    switch kind {
                    case .average:
                        var count = 0
                        w.forEachTap(oy: oy, ox: ox) { _, _ in count += 1 }
                        let scale = 1 / Float(max(count, 1))
                        w.forEachTap(oy: oy, ox: ox) { _, offset in
                            for ci in 0..<c { dxs[offset + ci] += g[ci] * scale }
                        }
                    case .maximum:
                        for ci in 0..<c {
                            var best = -Float.infinity, bestOffset = -1
                            w.forEachTap(oy: oy, ox: ox) { _, offset in
                                if xs[offset + ci] > best { best = xs[offset + ci]; bestOffset = offset }
                            }
                            if bestOffset >= 0 { dxs[bestOffset + ci] += g[ci] }
                        }
                    }
                }
            }
        }
    }
}
