import Foundation

/// TinyHIL's own trace format, for any meter:
/// ```
/// # supply_voltage_v: 3.3
/// time_s,current_a,marker
/// 0.0,0.02,0
/// 1.0e-05,,0        ← lost sample: empty current
/// ```
/// `read` also accepts the header `time,current,marker` (seconds, amperes). The supply voltage comes from the
/// comment line, or from the `supply` argument, which wins when both are present.
public enum GenericTraceCSV {
    public static let header = "time_s,current_a,marker"
    public static let plainHeader = "time,current,marker"
    static let voltageKey = "supply_voltage_v:"

    public static func write(_ trace: Trace) -> String {
        var out = "# \(voltageKey) \(trace.supplyVoltage.value)\n\(header)\n"
        out.reserveCapacity(trace.sampleCount * 32)
        for index in 0..<trace.sampleCount {
            let current = trace.currentsAmperes[index]
            out += "\(trace.time(ofSample: index).value),\(current.isNaN ? "" : "\(current)"),\(trace.markers[index] ? 1 : 0)\n"
        }
        return out
    }

    public static func read(contentsOf url: URL, supply: Volts? = nil) throws(TraceFileError) -> Trace {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try read(text, supply: supply)
    }

    public static func read(_ text: String, supply: Volts? = nil) throws(TraceFileError) -> Trace {
        var fileSupply: Volts?
        var header: CSVLines.Line?
        var rows: [CSVLines.Line] = []
        for line in CSVLines(text).lines {
            if line.text.hasPrefix("#") {
                let comment = line.text.dropFirst().drop(while: { $0 == " " })
                if comment.hasPrefix(voltageKey) {
                    let value = comment.dropFirst(voltageKey.count).trimmingCharacters(in: .whitespaces)
                    guard let volts = Double(value), volts > 0, volts.isFinite else {
                        throw .invalidSupplyVoltage(line: line.number, text: value)
                    }
                    fileSupply = Volts(volts)
                }
                continue
            }
            if header == nil { header = line } else { rows.append(line) }
        }
        guard let header else { throw .empty }
        let headerText = header.fields.joined(separator: ",")
        guard headerText == Self.header || headerText == plainHeader else {
            throw .unexpectedHeader(line: header.number, expected: Self.header, found: String(header.text))
        }
        guard let voltage = supply ?? fileSupply else { throw .missingSupplyVoltage }

        var times: [Double] = [], currents: [Double] = [], markers: [Bool] = [], numbers: [Int] = []
        var lost: [Range<Int>] = []
        for line in rows {
            let fields = line.fields
            guard fields.count == 3 else { throw .wrongColumnCount(line: line.number, expected: 3, found: fields.count) }
            guard let time = Double(fields[0]), time.isFinite else {
                throw .notANumber(line: line.number, column: 1, name: "time", text: String(fields[0]))
            }
            let index = currents.count
            if fields[1].isEmpty {
                currents.append(.nan)
                if let last = lost.last, last.upperBound == index {
                    lost[lost.count - 1] = last.lowerBound..<(index + 1)
                } else {
                    lost.append(index..<(index + 1))
                }
            } else {
                guard let current = Double(fields[1]), current.isFinite else {
                    throw .notANumber(line: line.number, column: 2, name: "current", text: String(fields[1]))
                }
                currents.append(current)
            }
            switch fields[2] {
            case "0": markers.append(false)
            case "1": markers.append(true)
            default: throw .invalidMarker(line: line.number, column: 3, text: String(fields[2]))
            }
            times.append(time)
            numbers.append(line.number)
        }
        let period = try uniformPeriod(times: times, lineNumbers: numbers)
        return Trace(samplePeriod: Seconds(period), supplyVoltage: voltage, startTime: Seconds(times[0]),
                     currentsAmperes: currents, markers: markers, lostSampleRanges: lost)
    }
}
