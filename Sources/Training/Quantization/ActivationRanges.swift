/// How an activation tensor's int8 range is chosen from calibration data.
public enum RangeEstimate: Sendable, Equatable {
    /// The smallest and largest value observed.
    case minMax
    /// The `p`-th and `(100 − p)`-th percentiles of the observed values (p in 50 ... 100, e.g. 99.99), which
    /// ignores rare outliers at the cost of clipping them.
    case percentile(Double)
}

/// Observed value ranges of a graph's activation tensors over calibration data.
struct ActivationRanges {
    /// tensor index → (lowest, highest)
    var ranges: [Int: (lower: Float, upper: Float)] = [:]

    /// Values kept per tensor for percentiles (an evenly strided subset of everything observed).
    static let percentileSampleLimit = 200_000

    static func observe(_ graph: TrainingGraph, on data: TrainingSamples, estimate: RangeEstimate,
                        batchSize: Int = 256) async throws -> ActivationRanges {
        guard data.count > 0 else { throw TrainingError.emptyData("the calibration data") }
        guard data.sampleElements == graph.inputSampleElements else {
            throw TrainingError.inputShapeMismatch(expected: graph.inputSampleShape, actual: [data.sampleElements])
        }
        let tensors = graph.tensors.indices.filter { !graph.tensors[$0].isConstant }
        var lows = [Int: Float](), highs = [Int: Float](), samples = [Int: [Float]]()
        let totalPerTensor = tensors.reduce(into: [Int: Int]()) { $0[$1] = graph.tensors[$1].sampleElements * data.count }
        await graph.forEachForwardBatch(on: data, batchSize: batchSize) { space, count, _ in
            for t in tensors {
                let n = count * graph.tensors[t].sampleElements
                let values = UnsafeBufferPointer(start: space.value(t), count: n)
                var low = lows[t] ?? .infinity, high = highs[t] ?? -.infinity
                for v in values { low = min(low, v); high = max(high, v) }
                lows[t] = low
                highs[t] = high
                if case .percentile = estimate {
                    let stride = max(1, totalPerTensor[t]! / percentileSampleLimit)
                    var kept = samples[t] ?? []
                    for i in Swift.stride(from: 0, to: n, by: stride) { kept.append(values[i]) }
                    samples[t] = kept
                }
            }
        }
        var result = ActivationRanges()
        for t in tensors {
            var lower = lows[t] ?? 0, upper = highs[t] ?? 0
            if case .percentile(let p) = estimate, var kept = samples[t], !kept.isEmpty {
                kept.sort()
                let q = min(max(p, 50), 100) / 100
                let hi = Int((Double(kept.count - 1) * q).rounded())
                let lo = Int((Double(kept.count - 1) * (1 - q)).rounded())
                lower = kept[lo]
                upper = kept[hi]
            }
            guard lower.isFinite, upper.isFinite else {
                throw TrainingError.invalidOption("tensor \"\(graph.tensors[t].name)\" took non-finite values during calibration; check the model and inputs")
            }
            result.ranges[t] = (lower, upper)
        }
        return result
    }
}
