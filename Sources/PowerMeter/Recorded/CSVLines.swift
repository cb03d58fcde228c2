/// Splits CSV text into numbered, trimmed, non-empty lines and comma-separated fields (no quoting: the trace
/// formats here are plain numbers).
struct CSVLines {
    struct Line {
        /// 1-based line number in the file.
        var number: Int
        var text: Substring
        var fields: [Substring] { text.split(separator: ",", omittingEmptySubsequences: false).map(trimmed) }
    }

    var lines: [Line] = []

    init(_ text: String) {
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = trimmed(raw)
            if !line.isEmpty { lines.append(Line(number: number, text: line)) }
        }
    }
}

private func trimmed(_ text: Substring) -> Substring {
    var result = text
    while let first = result.first, first == " " || first == "\t" || first == "\r" { result.removeFirst() }
    while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
    return result
}

/// Checks time stamps for uniform spacing and returns the sample period.
func uniformPeriod(times: [Double], lineNumbers: [Int]) throws(TraceFileError) -> Double {
    guard times.count >= 2 else { throw .tooFewSamples(found: times.count) }
    let period = (times[times.count - 1] - times[0]) / Double(times.count - 1)
    guard period > 0, period.isFinite else {
        throw .nonUniformTime(line: lineNumbers[times.count - 1], expectedSeconds: times[0], foundSeconds: times[times.count - 1])
    }
    for (index, time) in times.enumerated() {
        let expected = times[0] + Double(index) * period
        if abs(time - expected) > 0.25 * period {
            throw .nonUniformTime(line: lineNumbers[index], expectedSeconds: expected, foundSeconds: time)
        }
    }
    return period
}
