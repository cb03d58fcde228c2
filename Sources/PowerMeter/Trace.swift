/// A uniformly sampled current record at a known supply voltage, with the board's marker line sampled at the
/// same instants. Sample `k` was taken at `startTime + k · samplePeriod`.
///
/// Lost samples (the meter dropped them, or a recorded file had no value) stay in place so that time stays
/// aligned: their current is `nan`, their marker repeats the previous one, and `lostSampleRanges` lists them.
/// Analysis refuses to integrate a window that touches a lost range.
public struct Trace: Sendable, Equatable {
    /// Time between consecutive samples.
    public var samplePeriod: Seconds
    /// Supply voltage of the device under test during the whole trace.
    public var supplyVoltage: Volts
    /// Time of sample 0 relative to the start of the capture.
    public var startTime: Seconds
    /// Current per sample in amperes (`nan` for a lost sample).
    public var currentsAmperes: [Double]
    /// Marker line per sample (`true` = high = the board says it is inside a measurement window).
    public var markers: [Bool]
    /// Sorted, non-overlapping index ranges of lost samples.
    public var lostSampleRanges: [Range<Int>]

    public init(
        samplePeriod: Seconds, supplyVoltage: Volts, startTime: Seconds = .zero,
        currentsAmperes: [Double], markers: [Bool], lostSampleRanges: [Range<Int>] = []
    ) {
        precondition(currentsAmperes.count == markers.count, "Trace: one marker per current sample")
        self.samplePeriod = samplePeriod
        self.supplyVoltage = supplyVoltage
        self.startTime = startTime
        self.currentsAmperes = currentsAmperes
        self.markers = markers
        self.lostSampleRanges = lostSampleRanges
    }

    public var sampleCount: Int { currentsAmperes.count }
    public var sampleRateHertz: Double { 1 / samplePeriod.value }
    public var duration: Seconds { samplePeriod * Double(sampleCount) }
    public var lostSampleCount: Int { lostSampleRanges.reduce(0) { $0 + $1.count } }

    /// Time stamp of sample `index`.
    public func time(ofSample index: Int) -> Seconds { startTime + samplePeriod * Double(index) }

    /// Current of sample `index` (`nan` when lost).
    public func current(atSample index: Int) -> Amperes { Amperes(currentsAmperes[index]) }

    /// Lost samples within `range`.
    public func lostSampleCount(in range: Range<Int>) -> Int {
        lostSampleRanges.reduce(0) { $0 + $1.clamped(to: range).count }
    }

    /// Appends another trace recorded right after this one with the same period and voltage.
    public mutating func append(_ other: Trace) {
        let offset = sampleCount
        currentsAmperes += other.currentsAmperes
        markers += other.markers
        for range in other.lostSampleRanges {
            let shifted = (range.lowerBound + offset)..<(range.upperBound + offset)
            if let last = lostSampleRanges.last, last.upperBound == shifted.lowerBound {
                lostSampleRanges[lostSampleRanges.count - 1] = last.lowerBound..<shifted.upperBound
            } else {
                lostSampleRanges.append(shifted)
            }
        }
    }
}
