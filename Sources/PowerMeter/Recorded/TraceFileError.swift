/// Why a recorded trace file could not be read. Line and column numbers count from 1.
public enum TraceFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case empty
    case unexpectedHeader(line: Int, expected: String, found: String)
    case wrongColumnCount(line: Int, expected: Int, found: Int)
    case notANumber(line: Int, column: Int, name: String, text: String)
    case invalidMarker(line: Int, column: Int, text: String)
    /// At least two samples are needed to know the sample period.
    case tooFewSamples(found: Int)
    /// Time stamps must be uniformly spaced (within a quarter period) and increasing.
    case nonUniformTime(line: Int, expectedSeconds: Double, foundSeconds: Double)
    /// The generic format needs the supply voltage: a `# supply_voltage_v: 3.3` line or an argument.
    case missingSupplyVoltage
    case invalidSupplyVoltage(line: Int, text: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read trace file \(path): \(reason)"
        case .empty: "trace file is empty: expected a header line and samples."
        case let .unexpectedHeader(line, expected, found):
            "line \(line): header is \(found.debugDescription), expected \(expected.debugDescription)."
        case let .wrongColumnCount(line, expected, found):
            "line \(line): \(found) columns, expected \(expected)."
        case let .notANumber(line, column, name, text):
            "line \(line), column \(column) (\(name)): \(text.debugDescription) is not a number."
        case let .invalidMarker(line, column, text):
            "line \(line), column \(column) (marker): \(text.debugDescription) is not 0 or 1."
        case let .tooFewSamples(found):
            "trace file has \(found) samples; at least 2 are needed to know the sample period."
        case let .nonUniformTime(line, expected, found):
            "line \(line): time \(found) s, expected about \(expected) s: samples must be evenly spaced and in order (was the file cut and pasted together?)."
        case .missingSupplyVoltage:
            "trace file does not say its supply voltage: add a '# supply_voltage_v: 3.3' line or pass the voltage."
        case let .invalidSupplyVoltage(line, text):
            "line \(line): supply voltage \(text.debugDescription) is not a positive number of volts."
        }
    }
}
