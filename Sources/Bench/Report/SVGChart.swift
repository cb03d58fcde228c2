import Foundation

/// SVG charts for the self-contained HTML report: no scripts, no external resources. Axes carry round ticks
/// (1, 2 or 5 × 10ⁿ apart); each series or point has its own colour and marker shape, points that would cover each
/// other are drawn apart (with a leader to the true position), and full names are in a legend below the plot.
enum SVGChart {
    struct Series {
        var name: String
        /// (category index, value, interval low, interval high)
        var points: [(x: Int, value: Double, low: Double, high: Double)]
    }

    /// A numeric axis with round ticks covering the data.
    struct Axis: Equatable {
        var low: Double
        var high: Double
        var step: Double
        /// Digits after the decimal point needed to write the ticks exactly.
        var decimals: Int

        var ticks: [Double] {
            let count = Int(((high - low) / step).rounded())
            return (0...count).map { low + Double($0) * step }
        }

        func label(_ value: Double) -> String {
            let text = String(format: "%.\(decimals)f", value)
            return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
        }

        /// Round ticks about `count` apart covering every finite value (Heckbert's "nice numbers").
        static func covering(_ values: [Double], count: Int = 5) -> Axis {
            let finite = values.filter(\.isFinite)
            guard var low = finite.min(), var high = finite.max() else { return Axis(low: 0, high: 1, step: 0.25, decimals: 2) }
            if high == low {
                let pad = low == 0 ? 1 : abs(low) * 0.05
                low -= pad
                high += pad
            }
            let step = niceNumber((high - low) / Double(max(count - 1, 1)), round: true)
            let decimals = max(0, -Int(floor(log10(step))))
            return Axis(low: floor(low / step) * step, high: ceil(high / step) * step, step: step, decimals: decimals)
        }

        /// The 1, 2, 5 or 10 × 10ⁿ nearest to `value` (`round`) or not below it.
        static func niceNumber(_ value: Double, round: Bool) -> Double {
            let exponent = floor(log10(value))
            let power = pow(10, exponent)
            let fraction = value / power
            let nice: Double
            if round {
                nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
            } else {
                nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
            }
            return nice * power
        }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static let plotWidth = 540.0, plotHeight = 240.0
    static let top = 16.0, right = 24.0, legendRow = 18.0
    /// Average advance of a character at 11 px in a sans-serif font, rounded up: used to size margins for text.
    static let characterWidth = 7.0
    /// Markers whose centres are closer than this (px) are drawn apart.
    static let minimumSeparation = 12.0

    /// A line chart over categorical x values (firmware versions), with interval whiskers.
    static func line(categories: [String], series: [Series], yLabel: String) -> String {
        let axis = Axis.covering(series.flatMap { $0.points.flatMap { [$0.low, $0.high, $0.value] } })
        let left = leftMargin(axis)
        let widths = categories.map { Double($0.count) * characterWidth }
        let longest = widths.max() ?? 0
        let spacing = categories.count <= 1 ? plotWidth : plotWidth / Double(categories.count - 1)
        // Upright labels: the first starts at its tick, the last ends at its tick, the others are centred; they
        // are slanted when neighbours would touch.
        let slanted: Bool
        switch categories.count {
        case 0, 1: slanted = longest > plotWidth - 8
        case 2: slanted = widths[0] + widths[1] > plotWidth - 8
        default:
            slanted = widths[0] + widths[1] / 2 > spacing - 8 || widths[widths.count - 1] + widths[widths.count - 2] / 2 > spacing - 8
                || longest > spacing - 8
        }
        // Slanted labels (−40°) hang left of their tick; leave room for the first one.
        let slantLeft = slanted ? max(left, longest * cos(40 * .pi / 180) + 12) : left
        let axisBottom = slanted ? longest * sin(40 * .pi / 180) + 30 : 30
        let legendTop = top + plotHeight + axisBottom + 22
        let legendWidth = Double(series.map(\.name.count).max() ?? 0) * characterWidth + 40
        let width = max(slantLeft + plotWidth + right, legendWidth + 20)
        let height = legendTop + legendRow * Double(series.count) + 8

        func x(_ index: Int) -> Double {
            categories.count <= 1 ? slantLeft + plotWidth / 2 : slantLeft + spacing * Double(index)
        }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - axis.low) / (axis.high - axis.low)) }

        var svg = open(width: width, height: height)
        svg += yAxis(axis, left: slantLeft, label: yLabel, y: y)
        for (index, category) in categories.enumerated() {
            let tickY = top + plotHeight
            svg += ##"<line x1="\##(fmt(x(index)))" x2="\##(fmt(x(index)))" y1="\##(fmt(tickY))" y2="\##(fmt(tickY + 4))" stroke="#999"/>"##
            if slanted {
                svg += ##"<text transform="translate(\##(fmt(x(index) + 4)),\##(fmt(tickY + 14))) rotate(-40)" text-anchor="end" font-size="11">\##(escape(category))</text>"##
            } else {
                let anchor = categories.count == 1 ? "middle" : index == 0 ? "start" : index == categories.count - 1 ? "end" : "middle"
                svg += ##"<text x="\##(fmt(x(index)))" y="\##(fmt(tickY + 18))" text-anchor="\##(anchor)" font-size="11">\##(escape(category))</text>"##
            }
        }
        svg += ##"<text x="\##(fmt(slantLeft + plotWidth / 2))" y="\##(fmt(legendTop - 8))" text-anchor="middle" font-size="12">firmware version</text>"##

        // Series with equal values at a version would hide each other: each series is shifted sideways a little.
        let shift = series.count > 1 ? min(12, spacing / Double(2 * series.count)) : 0
        for (seriesIndex, s) in series.enumerated() {
            let colour = palette[seriesIndex % palette.count]
            let dx = shift * (Double(seriesIndex) - Double(series.count - 1) / 2)
            let path = s.points.map { "\(fmt(x($0.x) + dx)),\(fmt(y($0.value)))" }.joined(separator: " ")
            let dash = seriesIndex % 3 == 0 ? "" : seriesIndex % 3 == 1 ? ##" stroke-dasharray="6 3""## : ##" stroke-dasharray="2 2""##
            svg += ##"<polyline fill="none" stroke="\##(colour)" stroke-width="2"\##(dash) points="\##(path)"/>"##
            for p in s.points {
                let px = x(p.x) + dx
                svg += ##"<line x1="\##(fmt(px))" x2="\##(fmt(px))" y1="\##(fmt(y(p.low)))" y2="\##(fmt(y(p.high)))" stroke="\##(colour)"/>"##
                let tooltip = "\(s.name) \(categories[p.x]): \(fmt(p.value)) [\(fmt(p.low)), \(fmt(p.high))]"
                svg += marker(seriesIndex, x: px, y: y(p.value), colour: colour, title: tooltip)
            }
            svg += legendEntry(seriesIndex, text: s.name, x: 20, y: legendTop + legendRow * Double(seriesIndex), colour: colour)
        }
        return svg + "</svg>"
    }

    /// A scatter chart (e.g. accuracy against energy): one numbered marker per entry, full names in the legend.
    static func scatter(points: [(label: String, x: Double, y: Double)], xLabel: String, yLabel: String,
                        xUnit: String = "", yUnit: String = "") -> String {
        let xAxis = Axis.covering(points.map(\.x)), yAxis = Axis.covering(points.map(\.y))
        let left = leftMargin(yAxis)
        let legendTop = top + plotHeight + 56
        let legendTexts = points.enumerated().map { index, point in
            "\(index + 1)  \(point.label): \(fmt(point.x))\(xUnit.isEmpty ? "" : " " + xUnit), \(fmt(point.y))\(yUnit.isEmpty ? "" : " " + yUnit)"
        }
        let legendWidth = Double(legendTexts.map(\.count).max() ?? 0) * characterWidth + 40
        let width = max(left + plotWidth + right, legendWidth + 20)
        let height = legendTop + legendRow * Double(points.count) + 8
        func x(_ value: Double) -> Double { left + plotWidth * (value - xAxis.low) / (xAxis.high - xAxis.low) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - yAxis.low) / (yAxis.high - yAxis.low)) }

        var svg = open(width: width, height: height)
        svg += self.yAxis(yAxis, left: left, label: yLabel, y: y)
        for tick in xAxis.ticks {
            svg += ##"<line x1="\##(fmt(x(tick)))" x2="\##(fmt(x(tick)))" y1="\##(fmt(top))" y2="\##(fmt(top + plotHeight + 4))" stroke="#e0e0e0"/>"##
            svg += ##"<text x="\##(fmt(x(tick)))" y="\##(fmt(top + plotHeight + 18))" text-anchor="middle" font-size="11">\##(xAxis.label(tick))</text>"##
        }
        svg += ##"<text x="\##(fmt(left + plotWidth / 2))" y="\##(fmt(top + plotHeight + 36))" text-anchor="middle" font-size="12">\##(escape(xLabel))</text>"##

        let truePositions = points.map { (x: x($0.x), y: y($0.y)) }
        let drawn = separated(truePositions)
        for index in points.indices {
            let colour = palette[index % palette.count]
            let (tx, ty) = truePositions[index], (dx, dy) = drawn[index]
            if abs(dx - tx) > 0.5 || abs(dy - ty) > 0.5 {
                svg += ##"<line x1="\##(fmt(tx))" y1="\##(fmt(ty))" x2="\##(fmt(dx))" y2="\##(fmt(dy))" stroke="\##(colour)" stroke-width="1"/>"##
                svg += ##"<circle cx="\##(fmt(tx))" cy="\##(fmt(ty))" r="1.5" fill="\##(colour)"/>"##
            }
            svg += marker(index, x: dx, y: dy, colour: colour, title: legendTexts[index])
            svg += ##"<text x="\##(fmt(dx + 8))" y="\##(fmt(dy - 6))" font-size="10" fill="\##(colour)">\##(index + 1)</text>"##
            svg += legendEntry(index, text: legendTexts[index], x: 20, y: legendTop + legendRow * Double(index), colour: colour)
        }
        return svg + "</svg>"
    }

    /// Positions at least `minimumSeparation` apart: each group of markers that would overlap is spread on a small
    /// circle around the group's centre, in input order.
    static func separated(_ positions: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var groups: [[Int]] = []
        for index in positions.indices {
            let close = groups.indices.filter { group in
                groups[group].contains { other in
                    hypot(positions[other].x - positions[index].x, positions[other].y - positions[index].y) < minimumSeparation
                }
            }
            var merged = close.flatMap { groups[$0] } + [index]
            merged.sort()
            for group in close.reversed() { groups.remove(at: group) }
            groups.append(merged)
        }
        var result = positions
        for group in groups where group.count > 1 {
            let centreX = group.map { positions[$0].x }.reduce(0, +) / Double(group.count)
            let centreY = group.map { positions[$0].y }.reduce(0, +) / Double(group.count)
            // Neighbours on the circle are 2·r·sin(π/n) apart: choose r so that is the minimum separation (+2 px).
            let radius = (minimumSeparation + 2) / (2 * sin(.pi / Double(max(group.count, 2))))
            for (k, index) in group.enumerated() {
                let angle = -Double.pi / 2 + 2 * Double.pi * Double(k) / Double(group.count)
                result[index] = (centreX + radius * cos(angle), centreY + radius * sin(angle))
            }
        }
        return result
    }

    /// Marker `index` of a cycle of six shapes (circle, square, triangle, diamond, inverted triangle, cross).
    static func marker(_ index: Int, x: Double, y: Double, colour: String, title: String) -> String {
        let tooltip = "<title>\(escape(title))</title>"
        let r = 4.5
        switch index % 6 {
        case 0:
            return ##"<circle class="marker" cx="\##(fmt(x))" cy="\##(fmt(y))" r="\##(fmt(r))" fill="\##(colour)">\##(tooltip)</circle>"##
        case 1:
            return ##"<rect class="marker" x="\##(fmt(x - r))" y="\##(fmt(y - r))" width="\##(fmt(2 * r))" height="\##(fmt(2 * r))" fill="\##(colour)">\##(tooltip)</rect>"##
        case 2:
            return polygon([(x, y - r - 1), (x + r + 0.5, y + r - 0.5), (x - r - 0.5, y + r - 0.5)], colour, tooltip)
        case 3:
            return polygon([(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)], colour, tooltip)
        case 4:
            return polygon([(x, y + r + 1), (x + r + 0.5, y - r + 0.5), (x - r - 0.5, y - r + 0.5)], colour, tooltip)
        default:
            let a = r * 0.4
            return polygon([(x - a, y - r), (x + a, y - r), (x + a, y - a), (x + r, y - a), (x + r, y + a), (x + a, y + a),
                            (x + a, y + r), (x - a, y + r), (x - a, y + a), (x - r, y + a), (x - r, y - a), (x - a, y - a)],
                           colour, tooltip)
        }
    }

    private static func polygon(_ corners: [(Double, Double)], _ colour: String, _ tooltip: String) -> String {
        let points = corners.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        return ##"<polygon class="marker" points="\##(points)" fill="\##(colour)">\##(tooltip)</polygon>"##
    }

    private static func legendEntry(_ index: Int, text: String, x: Double, y: Double, colour: String) -> String {
        marker(index, x: x, y: y - 4, colour: colour, title: text)
            + ##"<text class="legend" x="\##(fmt(x + 12))" y="\##(fmt(y))" font-size="11">\##(escape(text))</text>"##
    }

    private static func open(width: Double, height: Double) -> String {
        ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width.rounded(.up)))" height="\##(Int(height.rounded(.up)))" viewBox="0 0 \##(Int(width.rounded(.up))) \##(Int(height.rounded(.up)))" font-family="sans-serif">"##
    }

    /// Room for the y tick labels and the rotated axis title.
    private static func leftMargin(_ axis: Axis) -> Double {
        Double(axis.ticks.map { axis.label($0).count }.max() ?? 1) * characterWidth + 34
    }

    private static func yAxis(_ axis: Axis, left: Double, label: String, y: (Double) -> Double) -> String {
        var svg = ##"<rect x="\##(fmt(left))" y="\##(fmt(top))" width="\##(fmt(plotWidth))" height="\##(fmt(plotHeight))" fill="#fafafa" stroke="#999"/>"##
        for tick in axis.ticks {
            svg += ##"<line x1="\##(fmt(left - 4))" x2="\##(fmt(left + plotWidth))" y1="\##(fmt(y(tick)))" y2="\##(fmt(y(tick)))" stroke="#e0e0e0"/>"##
            svg += ##"<text x="\##(fmt(left - 6))" y="\##(fmt(y(tick) + 4))" text-anchor="end" font-size="11">\##(axis.label(tick))</text>"##
        }
        svg += ##"<text transform="translate(\##(fmt(left - Double(axis.ticks.map { axis.label($0).count }.max() ?? 1) * characterWidth - 18)),\##(fmt(top + plotHeight / 2))) rotate(-90)" text-anchor="middle" font-size="12">\##(escape(label))</text>"##
        return svg
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
