import Foundation

/// Minimal SVG charts for the self-contained HTML report: no scripts, no external resources.
enum SVGChart {
    struct Series {
        var name: String
        /// (category index, value, interval low, interval high)
        var points: [(x: Int, value: Double, low: Double, high: Double)]
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static let width = 640.0, height = 320.0
    static let left = 70.0, right = 20.0, top = 20.0, bottom = 60.0

    /// A line chart over categorical x values (firmware versions), with interval whiskers.
    static func line(categories: [String], series: [Series], yLabel: String) -> String {
        let values = series.flatMap { $0.points.flatMap { [$0.low, $0.high, $0.value] } }
        let (yMin, yMax) = paddedRange(values)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ index: Int) -> Double {
            categories.count <= 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(categories.count - 1)
        }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - yMin) / (yMax - yMin)) }

        var svg = header(yLabel: yLabel, yMin: yMin, yMax: yMax, y: y)
        for (index, category) in categories.enumerated() {
            svg += ##"<text x="\##(fmt(x(index)))" y="\##(fmt(height - bottom + 18))" text-anchor="middle" font-size="11">\##(escape(category))</text>"##
        }
        svg += ##"<text x="\##(fmt(left + plotWidth / 2))" y="\##(fmt(height - 8))" text-anchor="middle" font-size="12">firmware version</text>"##
        for (seriesIndex, s) in series.enumerated() {
            let colour = palette[seriesIndex % palette.count]
            let path = s.points.map { "\(fmt(x($0.x))),\(fmt(y($0.value)))" }.joined(separator: " ")
            svg += ##"<polyline fill="none" stroke="\##(colour)" stroke-width="2" points="\##(path)"/>"##
            for p in s.points {
                svg += ##"<line x1="\##(fmt(x(p.x)))" x2="\##(fmt(x(p.x)))" y1="\##(fmt(y(p.low)))" y2="\##(fmt(y(p.high)))" stroke="\##(colour)"/>"##
                svg += ##"<circle cx="\##(fmt(x(p.x)))" cy="\##(fmt(y(p.value)))" r="3.5" fill="\##(colour)"><title>\##(escape(s.name)) \##(escape(categories[p.x])): \##(fmt(p.value)) [\##(fmt(p.low)), \##(fmt(p.high))]</title></circle>"##
            }
            svg += ##"<text x="\##(fmt(left + 8))" y="\##(fmt(top + 14 + 14 * Double(seriesIndex)))" font-size="11" fill="\##(colour)">\##(escape(s.name))</text>"##
        }
        return svg + "</svg>"
    }

    /// A scatter chart (e.g. accuracy against energy), one labelled point per entry.
    static func scatter(points: [(label: String, x: Double, y: Double)], xLabel: String, yLabel: String) -> String {
        let (xMin, xMax) = paddedRange(points.map(\.x))
        let (yMin, yMax) = paddedRange(points.map(\.y))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ value: Double) -> Double { left + plotWidth * (value - xMin) / (xMax - xMin) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - yMin) / (yMax - yMin)) }
        var svg = header(yLabel: yLabel, yMin: yMin, yMax: yMax, y: y)
        for tick in 0...4 {
            let value = xMin + (xMax - xMin) * Double(tick) / 4
            svg += ##"<text x="\##(fmt(x(value)))" y="\##(fmt(height - bottom + 18))" text-anchor="middle" font-size="11">\##(fmt(value))</text>"##
        }
        svg += ##"<text x="\##(fmt(left + plotWidth / 2))" y="\##(fmt(height - 8))" text-anchor="middle" font-size="12">\##(escape(xLabel))</text>"##
        for (index, point) in points.enumerated() {
            let colour = palette[index % palette.count]
            svg += ##"<circle cx="\##(fmt(x(point.x)))" cy="\##(fmt(y(point.y)))" r="5" fill="\##(colour)"><title>\##(escape(point.label))</title></circle>"##
            svg += ##"<text x="\##(fmt(x(point.x) + 7))" y="\##(fmt(y(point.y) - 7))" font-size="11">\##(escape(point.label))</text>"##
        }
        return svg + "</svg>"
    }

    private static func header(yLabel: String, yMin: Double, yMax: Double, y: (Double) -> Double) -> String {
        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" font-family="sans-serif">"##
        svg += ##"<rect x="\##(fmt(left))" y="\##(fmt(top))" width="\##(fmt(width - left - right))" height="\##(fmt(height - top - bottom))" fill="#fafafa" stroke="#999"/>"##
        for tick in 0...4 {
            let value = yMin + (yMax - yMin) * Double(tick) / 4
            svg += ##"<line x1="\##(fmt(left - 4))" x2="\##(fmt(width - right))" y1="\##(fmt(y(value)))" y2="\##(fmt(y(value)))" stroke="#e0e0e0"/>"##
            svg += ##"<text x="\##(fmt(left - 6))" y="\##(fmt(y(value) + 4))" text-anchor="end" font-size="11">\##(fmt(value))</text>"##
        }
        svg += ##"<text transform="translate(14,\##(fmt(top + (height - top - bottom) / 2))) rotate(-90)" text-anchor="middle" font-size="12">\##(escape(yLabel))</text>"##
        return svg
    }

    static func paddedRange(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return (0, 1) }
        let span = high - low
        let pad = span > 0 ? span * 0.1 : max(abs(high) * 0.05, 1e-9)
        return (low - pad, high + pad)
    }

    static func fmt(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1000 || magnitude == 0 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3g", value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
