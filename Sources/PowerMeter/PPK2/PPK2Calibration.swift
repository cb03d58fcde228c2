import Foundation

/// The per-range calibration of a Nordic Power Profiler Kit II, as reported by its GET_META_DATA command, and
/// the conversion from a raw ADC word to amperes.
///
/// For range `r` (0…4) and raw 14-bit ADC value `adc`, with `A = adc × 4` and supply `Vdd` in volts:
/// `x = (A − O[r]) · (1.8 / 163840) / R[r]`, and
/// `I = UG[r] · (x · (GS[r] · x + GI[r]) + S[r] · Vdd + I[r])` amperes.
public struct PPK2Calibration: Sendable, Equatable {
    /// Number of measurement ranges.
    public static let rangeCount = 5
    /// ADC reference scaling: 1.8 V over 2^14 codes × 4 × 2.5 (volts per unit of `A`).
    public static let voltsPerCode = 1.8 / 163_840

    /// Shunt resistance per range, ohms.
    public var resistorsOhms: [Double]
    /// Quadratic gain term per range (`GS`).
    public var gainSquare: [Double]
    /// Linear gain per range (`GI`).
    public var gainLinear: [Double]
    /// ADC offset per range, in units of `A` (`O`).
    public var offsets: [Double]
    /// Supply-voltage coefficient per range, amperes per volt (`S`).
    public var supplySlopes: [Double]
    /// Constant current term per range, amperes (`I`).
    public var currentOffsetsAmperes: [Double]
    /// User gain per range (`UG`).
    public var userGains: [Double]
    /// `Calibrated:` line (false on a kit that was never calibrated: defaults then apply).
    public var isCalibrated: Bool
    /// `HW:` line, hardware revision as reported.
    public var hardwareVersion: String?
    /// `IA:` line as reported.
    public var ia: String?

    /// The values Nordic's tools assume when a kit reports no (or invalid) calibration.
    public static let uncalibrated = PPK2Calibration(
        resistorsOhms: [1031.64, 101.65, 10.15, 0.94, 0.043],
        gainSquare: [1, 1, 1, 1, 1],
        gainLinear: [1, 1, 1, 1, 1],
        offsets: [0, 0, 0, 0, 0],
        supplySlopes: [0, 0, 0, 0, 0],
        currentOffsetsAmperes: [0, 0, 0, 0, 0],
        userGains: [1, 1, 1, 1, 1],
        isCalibrated: false, hardwareVersion: nil, ia: nil
    )

    public init(
        resistorsOhms: [Double], gainSquare: [Double], gainLinear: [Double], offsets: [Double],
        supplySlopes: [Double], currentOffsetsAmperes: [Double], userGains: [Double],
        isCalibrated: Bool = true, hardwareVersion: String? = nil, ia: String? = nil
    ) {
        self.resistorsOhms = resistorsOhms
        self.gainSquare = gainSquare
        self.gainLinear = gainLinear
        self.offsets = offsets
        self.supplySlopes = supplySlopes
        self.currentOffsetsAmperes = currentOffsetsAmperes
        self.userGains = userGains
        self.isCalibrated = isCalibrated
        self.hardwareVersion = hardwareVersion
        self.ia = ia
    }

    /// Current for a raw ADC value (0…16383) in `range` (0…4) at supply voltage `vdd`.
    public func current(adc: Int, range: Int, supply vdd: Volts) -> Amperes {
        let a = Double(adc * 4)
        let x = (a - offsets[range]) * Self.voltsPerCode / resistorsOhms[range]
        let inner = x * (gainSquare[range] * x + gainLinear[range])
            + supplySlopes[range] * vdd.value + currentOffsetsAmperes[range]
        return Amperes(userGains[range] * inner)
    }

    /// The raw ADC value (rounded, clamped to 0…16383) that `current(adc:range:supply:)` maps closest to
    /// `current` in `range`; `nil` when the current is beyond the range's full scale. Used by the simulator.
    public func adc(for current: Amperes, range: Int, supply vdd: Volts) -> Int? {
        // Solve GS·x² + GI·x + (S·Vdd + I − current/UG) = 0 for the root that is continuous at GS → 0.
        let c = supplySlopes[range] * vdd.value + currentOffsetsAmperes[range] - current.value / userGains[range]
        let gs = gainSquare[range], gi = gainLinear[range]
        let x: Double
        if abs(gs) < 1e-15 {
            x = -c / gi
        } else {
            let discriminant = gi * gi - 4 * gs * c
            guard discriminant >= 0 else { return nil }
            x = 2 * -c / (gi + (gi >= 0 ? 1 : -1) * discriminant.squareRoot())
        }
        let a = x * resistorsOhms[range] / Self.voltsPerCode + offsets[range]
        let code = (a / 4).rounded()
        guard code >= 0, code <= 16_383 else { return nil }
        return Int(code)
    }

    /// The GET_META_DATA reply text for this calibration (what a PPK2 sends, used by the simulator).
    public func metadataText() -> String {
        var lines = ["Calibrated: \(isCalibrated ? 1 : 0)"]
        func add(_ key: String, _ values: [Double]) {
            for (index, value) in values.enumerated() { lines.append("\(key)\(index): \(value)") }
        }
        add("R", resistorsOhms)
        add("GS", gainSquare)
        add("GI", gainLinear)
        add("O", offsets)
        add("S", supplySlopes)
        add("I", currentOffsetsAmperes)
        add("UG", userGains)
        if let hardwareVersion { lines.append("HW: \(hardwareVersion)") }
        if let ia { lines.append("IA: \(ia)") }
        return lines.joined(separator: "\n") + "\nEND\n"
    }
}

/// Why a GET_META_DATA reply could not be read.
public enum PPK2MetadataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reply has no `END` line (truncated, or not a PPK2).
    case missingEnd(received: String)
    /// A line is not `key: value`.
    case malformedLine(line: Int, text: String)
    /// A calibration value is not a number.
    case notANumber(line: Int, key: String, text: String)

    public var description: String {
        switch self {
        case let .missingEnd(received):
            "PPK2 metadata has no END line (received \(received.count) characters: \(received.prefix(80).debugDescription)). Is this a PPK2 with current firmware?"
        case let .malformedLine(line, text):
            "PPK2 metadata line \(line) is not 'key: value': \(text.debugDescription)."
        case let .notANumber(line, key, text):
            "PPK2 metadata line \(line): \(key) = \(text.debugDescription) is not a number."
        }
    }
}

extension PPK2Calibration {
    /// Parses a GET_META_DATA reply: `key: value` lines ending with `END`.
    ///
    /// Keys are case-insensitive. `R0…R4, GS0…4, GI0…4, O0…4, S0…4, I0…4, UG0…4` set the calibration; a missing
    /// key, a `nan`/`-nan` value or a value of exactly 0 leaves the default for that entry (the same rule as
    /// Nordic's desktop app; 0 is never a usable resistor or gain, and the defaults of O, S and I are 0 anyway).
    /// `Calibrated`, `HW` and `IA` are recorded; other keys (firmware extras) are ignored.
    public init(metadata: String) throws(PPK2MetadataError) {
        let lines = metadata.replacingOccurrences(of: "\r", with: "").split(separator: "\n", omittingEmptySubsequences: false)
        guard let endIndex = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "END" }) else {
            throw .missingEnd(received: metadata)
        }
        var calibration = PPK2Calibration.uncalibrated
        for (offset, rawLine) in lines[..<endIndex].enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else { throw .malformedLine(line: lineNumber, text: line) }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let text = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw .malformedLine(line: lineNumber, text: line) }
            switch key {
            case "calibrated": calibration.isCalibrated = (text != "0" && !text.isEmpty)
            case "hw": calibration.hardwareVersion = text
            case "ia": calibration.ia = text
            default:
                guard let (field, index) = Self.calibrationField(key) else { continue }
                let lowered = text.lowercased()
                if lowered == "nan" || lowered == "-nan" { continue }
                guard let value = Double(text), value.isFinite else {
                    throw .notANumber(line: lineNumber, key: key, text: text)
                }
                if value == 0 { continue }
                calibration[keyPath: field][index] = value
            }
        }
        self = calibration
    }

    private static func calibrationField(_ key: String) -> (WritableKeyPath<PPK2Calibration, [Double]>, Int)? {
        let prefixes: [(String, WritableKeyPath<PPK2Calibration, [Double]>)] = [
            ("gs", \.gainSquare), ("gi", \.gainLinear), ("ug", \.userGains),
            ("r", \.resistorsOhms), ("o", \.offsets), ("s", \.supplySlopes), ("i", \.currentOffsetsAmperes),
        ]
        for (prefix, field) in prefixes where key.hasPrefix(prefix) {
            let digits = key.dropFirst(prefix.count)
            guard digits.count == 1, let index = Int(digits), index < rangeCount else { return nil }
            return (field, index)
        }
        return nil
    }
}
