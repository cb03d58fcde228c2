import Foundation
import PowerMeter

/// A saved current trace for the report: current (mA) against time (ms), the board's marker windows shaded, lost
/// samples hatched. Each pixel column shows the minimum and maximum current of the samples it covers, so short
/// peaks stay visible however long the trace is.
enum SVGTraceChart {
    static let plotWidth = SVGChart.plotWidth, plotHeight = 200.0
    static let top = 16.0, right = 24.0

    static func render(_ trace: Trace) -> String {
        let count = trace.sampleCount
        let milliseconds = { (index: Int) in (trace.time(ofSample: index).value) * 1000 }
        let timeAxis = SVGChart.Axis.covering(count == 0 ? [0, 1] : [milliseconds(0), milliseconds(count)])
        let currentsMilliamperes = trace.currentsAmperes.map { $0 * 1000 }
        let currentAxis = SVGChart.Axis.covering(currentsMilliamperes + [0])
        let labelChars = Double(currentAxis.ticks.map { currentAxis.label($0).count }.max() ?? 1)
        let left = labelChars * SVGChart.characterWidth + 34
        let width = left + plotWidth + right
        let height = top + plotHeight + 58
        func x(_ ms: Double) -> Double { left + plotWidth * (ms - timeAxis.low) / (timeAxis.high - timeAxis.low) }
        func y(_ mA: Double) -> Double { top + plotHeight * (1 - (mA - currentAxis.low) / (currentAxis.high - currentAxis.low)) }

        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width.rounded(.up)))" height="\##(Int(height))" viewBox="0 0 \##(Int(width.rounded(.up))) \##(Int(height))" font-family="sans-serif">"##
        svg += ##"<rect x="\##(SVGChart.fmt(left))" y="\##(SVGChart.fmt(top))" width="\##(SVGChart.fmt(plotWidth))" height="\##(SVGChart.fmt(plotHeight))" fill="#fafafa" stroke="#999"/>"##
        for (range, style) in windows(trace.markers).map({ ($0, ##"class="window" fill="#2ca02c" fill-opacity="0.15""##) })
            + trace.lostSampleRanges.map({ ($0, ##"class="lost" fill="#d62728" fill-opacity="0.3""##) }) {
            let x0 = x(milliseconds(range.lowerBound)), x1 = x(milliseconds(range.upperBound))
            svg += ##"<rect \##(style) x="\##(SVGChart.fmt(x0))" y="\##(SVGChart.fmt(top))" width="\##(SVGChart.fmt(max(x1 - x0, 0.5)))" height="\##(SVGChart.fmt(plotHeight))"/>"##
        }
        for tick in currentAxis.ticks {
            svg += ##"<line x1="\##(SVGChart.fmt(left - 4))" x2="\##(SVGChart.fmt(left + plotWidth))" y1="\##(SVGChart.fmt(y(tick)))" y2="\##(SVGChart.fmt(y(tick)))" stroke="#e0e0e0"/>"##
            svg += ##"<text x="\##(SVGChart.fmt(left - 6))" y="\##(SVGChart.fmt(y(tick) + 4))" text-anchor="end" font-size="11">\##(currentAxis.label(tick))</text>"##
        }
        for tick in timeAxis.ticks {
            svg += ##"<line x1="\##(SVGChart.fmt(x(tick)))" x2="\##(SVGChart.fmt(x(tick)))" y1="\##(SVGChart.fmt(top + plotHeight))" y2="\##(SVGChart.fmt(top + plotHeight + 4))" stroke="#999"/>"##
            svg += ##"<text x="\##(SVGChart.fmt(x(tick)))" y="\##(SVGChart.fmt(top + plotHeight + 18))" text-anchor="middle" font-size="11">\##(timeAxis.label(tick))</text>"##
        }
        svg += ##"<text x="\##(SVGChart.fmt(left + plotWidth / 2))" y="\##(SVGChart.fmt(top + plotHeight + 38))" text-anchor="middle" font-size="12">time (ms) · shaded: marker windows (inferences measured)</text>"##
        svg += ##"<text transform="translate(16,\##(SVGChart.fmt(top + plotHeight / 2))) rotate(-90)" text-anchor="middle" font-size="12">current (mA)</text>"##

        // Min/max envelope per pixel column (lost samples, nan, are left out).
        let columns = max(1, Int(plotWidth))
        var upper: [(Double, Double)] = [], lower: [(Double, Double)] = []
        if count > 0 {
            for column in 0..<columns {
                let first = column * count / columns, last = max(first + 1, (column + 1) * count / columns)
                let values = currentsMilliamperes[first..<min(last, count)].filter(\.isFinite)
                guard let low = values.min(), let high = values.max() else { continue }
                let at = x(milliseconds(first) + (milliseconds(min(last, count)) - milliseconds(first)) / 2)
                upper.append((at, y(high)))
                lower.append((at, y(low)))
            }
        }
        if !upper.isEmpty {
            let outline = (upper + lower.reversed()).map { "\(SVGChart.fmt($0.0)),\(SVGChart.fmt($0.1))" }.joined(separator: " ")
            svg += ##"<polygon class="current" points="\##(outline)" fill="#1f77b4" fill-opacity="0.6" stroke="#1f77b4" stroke-width="1"/>"##
        }
        return svg + "</svg>"
    }

    /// Index ranges where the marker line is high.
    static func windows(_ markers: [Bool]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        for (index, high) in markers.enumerated() {
            if high, start == nil { start = index }
            if !high, let open = start { result.append(open..<index); start = nil }
        }
        if let open = start { result.append(open..<markers.count) }
        return result
    }
}
