/// Order statistics used by the analysis. The rules are documented in docs/statistics.md.
public enum Statistics {
    /// The middle value; for an even count, the mean of the two middle values.
    public static func median(_ values: [Double]) throws(StatisticsError) -> Double {
        guard !values.isEmpty else { throw .empty }
        guard values.allSatisfy(\.isFinite) else { throw .nonFinite }
        var sorted = values
        sorted.sort()
        return sortedMedian(sorted[...])
    }

    /// Sorts in place; small arrays (the bootstrap's usual window counts) by a non-generic insertion sort,
    /// which stays fast even in unoptimised debug builds where the generic library sort is slow.
    static func sortValues(_ values: inout [Double]) {
        guard values.count <= 64 else {
            values.sort()
            return
        }
        values.withUnsafeMutableBufferPointer { buffer in
            var index = 1
            while index < buffer.count {
                let value = buffer[index]
                var slot = index
                while slot > 0, buffer[slot - 1] > value {
                    buffer[slot] = buffer[slot - 1]
                    slot -= 1
                }
                buffer[slot] = value
                index += 1
            }
        }
    }

    static func sortedMedian(_ sorted: ArraySlice<Double>) -> Double {
        let count = sorted.count
        let mid = sorted.startIndex + count / 2
        return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Percentile interval of bootstrap statistics: with `B` sorted values and `α = 1 − level`, the bounds are
    /// the values at 0-based positions `⌊B·α/2⌋` and `⌈B·(1 − α/2)⌉ − 1`.
    static func percentileInterval(_ statistics: inout [Double], level: Double) -> (lower: Double, upper: Double) {
        statistics.sort()
        let count = Double(statistics.count)
        let alpha = 1 - level
        let lowerIndex = Int((count * alpha / 2).rounded(.down))
        let upperIndex = Int((count * (1 - alpha / 2)).rounded(.up)) - 1
        return (statistics[max(0, lowerIndex)], statistics[min(statistics.count - 1, max(0, upperIndex))])
    }
}

/// Why a statistic could not be computed.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case nonFinite
    case tooFewValues(found: Int, minimum: Int)
    case mismatchedCounts(baseline: Int, candidate: Int)
    case nonPositiveBaseline
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .empty: "no values to summarise."
        case .nonFinite: "a value is NaN or infinite: a lost sample or a failed window slipped through."
        case let .tooFewValues(found, minimum):
            "\(found) values are too few for a confidence interval (need at least \(minimum)): measure more windows."
        case let .mismatchedCounts(baseline, candidate):
            "an interleaved comparison needs equal window counts; baseline has \(baseline), candidate \(candidate)."
        case .nonPositiveBaseline:
            "the baseline's median energy is zero or negative, so a ratio is meaningless: check idle subtraction."
        case let .invalidSettings(detail): "invalid statistics settings: \(detail)"
        }
    }
}
