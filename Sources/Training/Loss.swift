import Foundation

/// Cross-entropy on integer labels and/or knowledge distillation from a teacher's logits at a temperature:
/// `loss = w · CE(softmax(z), y) + (1 − w) · T² · KL(softmax(z_t / T) ‖ softmax(z / T))`, averaged over the
/// mini-batch. `z` are the student's logits (SOFTMAX's input times its beta), `z_t` the teacher's.
public struct Loss: Sendable, Equatable {
    /// Weight `w` of the label term in [0, 1] (1 = labels only, 0 = distillation only).
    public var labelWeight: Float
    /// Distillation temperature `T` (> 0).
    public var temperature: Float

    public init(labelWeight: Float = 1, temperature: Float = 4) {
        self.labelWeight = labelWeight
        self.temperature = temperature
    }

    /// Adds the loss of `rows` samples and writes `∂loss/∂logits` (divided by `batchTotal`, the whole mini-batch)
    /// to `gradient`. `logits` are multiplied by `scale` first (and the gradient by `scale` after).
    func evaluate(rows: Int, classes: Int, logits: UnsafePointer<Float>, scale: Float, labels: ArraySlice<Int32>?,
                  teacherLogits: UnsafePointer<Float>?, teacherScale: Float, batchTotal: Int,
                  gradient: UnsafeMutablePointer<Float>) -> Float {
        var total: Float = 0
        let inverseBatch = 1 / Float(batchTotal)
        var z = [Float](repeating: 0, count: classes)
        var p = [Float](repeating: 0, count: classes)
        var q = [Float](repeating: 0, count: classes)
        var t = [Float](repeating: 0, count: classes)
        let labelTerm = labels != nil ? labelWeight : 0
        let distillationTerm: Float = teacherLogits != nil ? (labels != nil ? 1 - labelWeight : 1) : 0
        for r in 0..<rows {
            let row = logits + r * classes, g = gradient + r * classes
            for c in 0..<classes { z[c] = scale * row[c] }
            for c in 0..<classes { g[c] = 0 }
            if labelTerm > 0, let labels {
                let y = Int(labels[labels.startIndex + r])
                z.withUnsafeBufferPointer { zb in p.withUnsafeMutableBufferPointer { pb in
                    Softmax.row(zb.baseAddress!, into: pb.baseAddress!, count: classes, scale: 1)
                } }
                let largest = z.max()!
                var sum: Float = 0
                for c in 0..<classes { sum += Foundation.exp(z[c] - largest) }
                total += labelTerm * (Foundation.log(sum) + largest - z[y])
                for c in 0..<classes { g[c] += labelTerm * (p[c] - (c == y ? 1 : 0)) * inverseBatch }
            }
            if distillationTerm > 0, let teacherLogits {
                let temperature = self.temperature
                let teacherRow = teacherLogits + r * classes
                z.withUnsafeBufferPointer { zb in q.withUnsafeMutableBufferPointer { qb in
                    Softmax.row(zb.baseAddress!, into: qb.baseAddress!, count: classes, scale: 1 / temperature)
                } }
                t.withUnsafeMutableBufferPointer { tb in
                    Softmax.row(teacherRow, into: tb.baseAddress!, count: classes, scale: teacherScale / temperature)
                }
                var kl: Float = 0
                for c in 0..<classes where t[c] > 0 {
                    kl += t[c] * (Foundation.log(t[c]) - Foundation.log(max(q[c], .leastNormalMagnitude)))
                }
                total += distillationTerm * temperature * temperature * kl
                for c in 0..<classes { g[c] += distillationTerm * temperature * (q[c] - t[c]) * inverseBatch }
            }
            for c in 0..<classes { g[c] *= scale }
        }
        return total
    }
}
