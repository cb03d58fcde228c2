/// Smooths the few samples after a PPK2 range switch, where the shunt change makes the reading spike.
///
/// Behaviour (the same rule as Nordic's desktop app, re-implemented from its description):
/// - Two exponential moving averages of the calibrated current run over every sample: one with `alpha`
///   (default 0.18) and one with `alphaHighestRange` (default 0.06).
/// - When the range differs from the previous sample's, that sample and the next `samples − 1` samples
///   (default 3 in total) are replaced by a moving average instead of the raw value: the `alpha` average in
///   ranges 0…3, the `alphaHighestRange` average in range 4.
/// - In range 4 the first two samples after the switch do not update the averages (they hold the values from
///   before the switch), because the spike there is the largest.
/// Outside those samples the raw value passes unchanged.
public struct PPK2SpikeFilter: Sendable, Equatable {
    public var alpha: Double
    public var alphaHighestRange: Double
    public var samples: Int

    public init(alpha: Double = 0.18, alphaHighestRange: Double = 0.06, samples: Int = 3) {
        self.alpha = alpha
        self.alphaHighestRange = alphaHighestRange
        self.samples = samples
    }

    /// Running state of the filter over one stream.
    public struct State: Sendable {
        var average: Double?
        var averageHighestRange: Double?
        var previousRange: Int?
        var remaining = 0
        var samplesSinceSwitch = 0
        public init() {}
    }

    /// Filters one calibrated sample (amperes) taken in `range`.
    public func filter(_ value: Double, range: Int, state: inout State) -> Double {
        let previousAverage = state.average
        let previousAverageHighest = state.averageHighestRange
        state.average = previousAverage.map { alpha * value + (1 - alpha) * $0 } ?? value
        state.averageHighestRange = previousAverageHighest.map { alphaHighestRange * value + (1 - alphaHighestRange) * $0 } ?? value

        let switched = state.previousRange.map { $0 != range } ?? false
        state.previousRange = range
        guard switched || state.remaining > 0 else { return value }
        if switched {
            state.remaining = samples
            state.samplesSinceSwitch = 0
        } else {
            state.samplesSinceSwitch += 1
        }
        state.remaining -= 1
        if range == 4 {
            if state.samplesSinceSwitch < 2 {
                state.average = previousAverage ?? value
                state.averageHighestRange = previousAverageHighest ?? value
            }
            return state.averageHighestRange!
        }
        return state.average!
    }
}
