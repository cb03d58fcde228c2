import Foundation

/// The Pico energy study's capture format: header `time_S,signal_V,trigger_V`, one row per sample; `signal_V`
/// is the voltage across a high-side shunt (1 Ω there), `trigger_V` the marker GPIO (high above 2 V), the board
/// supplied at 3.3 V.
public struct PicoStudyCSV: Sendable, Equatable {
    public static let header = "time_S,signal_V,trigger_V"

    public var shuntOhms: Double
    public var supply: Volts
    public var triggerThreshold: Volts
    /// Trigger level written for a high marker by `write`.
    public var triggerHighLevel: Volts

    public init(shuntOhms: Double = 1, supply: Volts = Volts(3.3), triggerThreshold: Volts = Volts(2),
                triggerHighLevel: Volts = Volts(3.3)) {
        self.shuntOhms = shuntOhms
        self.supply = supply
        self.triggerThreshold = triggerThreshold
        self.triggerHighLevel = triggerHighLevel
    }

    public func read(contentsOf url: URL) throws(TraceFileError) -> Trace {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try read(text)
    }

    /// current = signal ÷ shunt; marker = trigger > threshold.
    public func read(_ text: String) throws(TraceFileError) -> Trace {
        let lines = CSVLines(text).lines
        guard let headerLine = lines.first else { throw .empty }
        let header = headerLine.fields.joined(separator: ",")
        guard header == Self.header else {
            throw .unexpectedHeader(line: headerLine.number, expected: Self.header, found: String(headerLine.text))
        }
        let names = ["time_S", "signal_V", "trigger_V"]
        var times: [Double] = [], currents: [Double] = [], markers: [Bool] = [], numbers: [Int] = []
        times.reserveCapacity(lines.count)
        currents.reserveCapacity(lines.count)
        markers.reserveCapacity(lines.count)
        for line in lines.dropFirst() {
            let fields = line.fields
            guard fields.count == 3 else { throw .wrongColumnCount(line: line.number, expected: 3, found: fields.count) }
            var values = [Double](repeating: 0, count: 3)
            for column in 0..<3 {
                guard let value = Double(fields[column]), value.isFinite else {
                    throw .notANumber(line: line.number, column: column + 1, name: names[column], text: String(fields[column]))
                }
                values[column] = value
            }
            times.append(values[0])
            currents.append(values[1] / shuntOhms)
            markers.append(values[2] > triggerThreshold.value)
            numbers.append(line.number)
        }
        let period = try uniformPeriod(times: times, lineNumbers: numbers)
        return Trace(samplePeriod: Seconds(period), supplyVoltage: supply, startTime: Seconds(times[0]),
                     currentsAmperes: currents, markers: markers)
    }

    /// Writes a trace in this format (lost samples are written as 0 V: the format has no way to mark them).
    public func write(_ trace: Trace) -> String {
        var out = Self.header + "\n"
        out.reserveCapacity(trace.sampleCount * 40)
        for index in 0..<trace.sampleCount {
            let current = trace.currentsAmperes[index]
            let signal = current.isNaN ? 0 : current * shuntOhms
            let trigger = trace.markers[index] ? triggerHighLevel.value : 0
            out += "\(trace.time(ofSample: index).value),\(signal),\(trigger)\n"
        }
        return out
    }
}
