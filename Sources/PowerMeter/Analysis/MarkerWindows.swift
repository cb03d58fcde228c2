/// One marker-high stretch of a trace.
public struct MarkerWindow: Sendable, Equatable {
    /// Sample indices with the marker high.
    public var samples: Range<Int>
    /// Time of the first marked sample.
    public var start: Seconds
    /// `samples.count × samplePeriod`: the edges are taken to lie halfway between the last low and the first
    /// high sample (and likewise at the end).
    public var duration: Seconds

    public init(samples: Range<Int>, start: Seconds, duration: Seconds) {
        self.samples = samples
        self.start = start
        self.duration = duration
    }
}

/// Finds the windows in a trace's marker line.
public struct MarkerWindowDetection: Sendable, Equatable {
    /// A level change counts as an edge only if the new level lasts at least this long; shorter excursions are
    /// noise and are ignored. Zero accepts every change.
    public var holdOff: Seconds
    /// What to do with a window cut by the start or end of the trace.
    public var truncatedWindows: TruncatedWindowPolicy

    public enum TruncatedWindowPolicy: Sendable, Equatable {
        /// Throw `TraceAnalysisError.truncatedWindow` (the default: a bench starts the meter first).
        case fail
        /// Drop it (e.g. recorded captures that began mid-window).
        case discard
    }

    public init(holdOff: Seconds = .zero, truncatedWindows: TruncatedWindowPolicy = .fail) {
        self.holdOff = holdOff
        self.truncatedWindows = truncatedWindows
    }

    public func windows(in trace: Trace) throws(TraceAnalysisError) -> [MarkerWindow] {
        let markers = trace.markers
        guard !markers.isEmpty else { throw .emptyTrace }
        guard holdOff.value >= 0, holdOff.value.isFinite else { throw .invalidOption("hold-off \(holdOff) must be ≥ 0") }
        let holdOffSamples = max(1, Int((holdOff.value / trace.samplePeriod.value).rounded(.up)))

        var level = markers[0]
        var risingEdge: Int? = level ? 0 : nil
        var windows: [MarkerWindow] = []
        if level, truncatedWindows == .fail { throw .truncatedWindow(atStart: true) }
        var startsTruncated = level

        var index = 1
        while index < markers.count {
            guard markers[index] != level else {
                index += 1
                continue
            }
            let end = min(markers.count, index + holdOffSamples)
            var persists = true
            for probe in index..<end where markers[probe] == level {
                persists = false
                break
            }
            guard persists else {
                index += 1
                continue
            }
            level = markers[index]
            if level {
                risingEdge = index
            } else if let rising = risingEdge {
                if !startsTruncated {
                    windows.append(MarkerWindow(samples: rising..<index, start: trace.time(ofSample: rising),
                                                duration: trace.samplePeriod * Double(index - rising)))
                }
                startsTruncated = false
                risingEdge = nil
            }
            index = end
        }
        if level, risingEdge != nil, truncatedWindows == .fail { throw .truncatedWindow(atStart: false) }
        return windows
    }
}
