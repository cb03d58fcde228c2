import Foundation

/// Where one inference spends its counter, for the report: one horizontal bar per operator in execution order,
/// its length proportional to the operator's count, labelled with the count and its share of the operators' sum.
/// Operators of one kind share a colour.
enum SVGProfileChart {
    static let barAreaWidth = SVGChart.plotWidth
    static let rowHeight = 18.0, barHeight = 12.0, top = 8.0

    static func label(_ op: StoredProfile.Operator) -> String { "#\(op.index) \(op.name)" }

    static func valueText(_ counter: Int64, of sum: Int64) -> String {
        let share = sum > 0 ? Double(counter) / Double(sum) * 100 : 0
        return "\(grouped(counter)) (\(String(format: "%.1f", share)) %)"
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// The bar's length in px: the largest operator spans the whole bar area.
    static func barWidth(_ counter: Int64, largest: Int64) -> Double {
        largest > 0 ? barAreaWidth * Double(max(counter, 0)) / Double(largest) : 0
    }

    static func render(_ profile: StoredProfile) -> String {
        let operators = profile.operators
        let sum = profile.operatorsCounter
        let largest = operators.map(\.counter).max() ?? 0
        let labelWidth = Double(operators.map { label($0).count }.max() ?? 1) * SVGChart.characterWidth + 12
        let valueWidth = Double(operators.map { valueText($0.counter, of: sum).count }.max() ?? 1) * SVGChart.characterWidth + 12
        let caption = "\(profile.counterUnit) per operator (one inference); operators \(grouped(sum)), "
            + "whole inference \(grouped(profile.totalCounter)) \(profile.counterUnit)"
        let width = max(labelWidth + barAreaWidth + valueWidth, Double(caption.count) * SVGChart.characterWidth + 16)
        let height = top + rowHeight * Double(max(operators.count, 1)) + 34
        let w = Int(width.rounded(.up)), h = Int(height.rounded(.up))
        var kinds: [String] = []
        for op in operators where !kinds.contains(op.name) { kinds.append(op.name) }

        var svg = ##"<svg xmlns="http://www.w3.org/2000/svg" class="profile" width="\##(w)" height="\##(h)" viewBox="0 0 \##(w) \##(h)" font-family="sans-serif">"##
        for (row, op) in operators.enumerated() {
            let y = top + rowHeight * Double(row)
            let bar = barWidth(op.counter, largest: largest)
            let colour = SVGChart.palette[(kinds.firstIndex(of: op.name) ?? 0) % SVGChart.palette.count]
            svg += ##"<text x="\##(SVGChart.fmt(labelWidth - 6))" y="\##(SVGChart.fmt(y + barHeight - 1))" text-anchor="end" font-size="11">\##(SVGChart.escape(label(op)))</text>"##
            svg += ##"<rect class="bar" data-counter="\##(op.counter)" x="\##(SVGChart.fmt(labelWidth))" y="\##(SVGChart.fmt(y))" width="\##(String(format: "%.2f", bar))" height="\##(SVGChart.fmt(barHeight))" fill="\##(colour)"/>"##
            svg += ##"<text x="\##(SVGChart.fmt(labelWidth + bar + 4))" y="\##(SVGChart.fmt(y + barHeight - 1))" font-size="11">\##(valueText(op.counter, of: sum))</text>"##
        }
        let axisY = top + rowHeight * Double(max(operators.count, 1))
        svg += ##"<line x1="\##(SVGChart.fmt(labelWidth))" x2="\##(SVGChart.fmt(labelWidth))" y1="\##(SVGChart.fmt(top - 2))" y2="\##(SVGChart.fmt(axisY))" stroke="#999"/>"##
        svg += ##"<text x="8" y="\##(SVGChart.fmt(axisY + 22))" font-size="12">\##(SVGChart.escape(caption))</text>"##
        return svg + "</svg>"
    }
}
