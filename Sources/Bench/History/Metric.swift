/// A quantity tracked across firmware versions.
public enum Metric: String, CaseIterable, Sendable, Codable {
    /// Energy per inference, microjoules (lower is better).
    case energy
    /// Latency per inference, microseconds (lower is better).
    case latency
    /// Top-1 accuracy on the board, fraction 0…1 (higher is better).
    case accuracy

    public var unit: String {
        switch self {
        case .energy: "µJ"
        case .latency: "µs"
        case .accuracy: "%"
        }
    }

    public var title: String {
        switch self {
        case .energy: "Energy per inference"
        case .latency: "Latency per inference"
        case .accuracy: "Accuracy on the board"
        }
    }

    /// True for accuracy; energy and latency are better lower.
    public var higherIsBetter: Bool { self == .accuracy }

    /// The result kind that carries this metric.
    public var resultKind: StoredResult.Kind {
        self == .accuracy ? .accuracy : .measurement
    }

    /// The metric's value, interval and whether the interval is a real confidence interval, from one stored result.
    public func reading(of result: StoredResult) -> MetricReading? {
        switch self {
        case .energy:
            guard let median = result.energyMicrojoulesMedian else { return nil }
            return MetricReading(value: median, low: result.energyMicrojoulesCILow ?? median,
                                 high: result.energyMicrojoulesCIHigh ?? median)
        case .latency:
            guard let median = result.latencyMicrosecondsMedian else { return nil }
            return MetricReading(value: median, low: median, high: median)
        case .accuracy:
            guard let accuracy = result.accuracy else { return nil }
            let interval = Self.wilsonInterval(accuracy: accuracy, samples: result.accuracySamples ?? 0)
            return MetricReading(value: accuracy * 100, low: interval.low * 100, high: interval.high * 100)
        }
    }

    /// 95 % Wilson score interval for a proportion (accuracy over `samples` inputs).
    static func wilsonInterval(accuracy: Double, samples: Int) -> (low: Double, high: Double) {
        guard samples > 0 else { return (accuracy, accuracy) }
        let z = 1.959964
        let n = Double(samples)
        let denominator = 1 + z * z / n
        let centre = (accuracy + z * z / (2 * n)) / denominator
        let halfWidth = z * ((accuracy * (1 - accuracy) / n + z * z / (4 * n * n)).squareRoot()) / denominator
        return (max(0, centre - halfWidth), min(1, centre + halfWidth))
    }
}
