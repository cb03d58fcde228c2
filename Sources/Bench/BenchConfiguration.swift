import DeviceLink
import Foundation
import PowerMeter

/// Which board and which meter make up a bench, and the facts that go with them.
///
/// A configuration file (`bench.yml`) holds flat `key: value` lines (a subset of YAML); `#` starts a comment:
/// ```yaml
/// board: serial:E6614103E7452D2F     # or /dev/ttyACM0, tcp://bench-pi:4000, virtual
/// board_id: pico-bench-1             # optional; defaults to the endpoint
/// meter: ppk2:/dev/ttyACM1           # or simulated
/// supply_volts: 3.3
/// marker_pin: 0                      # PPK2 logic input the board's marker GPIO is wired to
/// firmware: check                    # or reflash, any (FirmwarePolicy: a board running another build)
/// flash_via: bootsel                 # or openocd (how `reflash` and `tinyhil flash` flash the Pico)
/// ```
/// For the simulated meter: `seed`, `sample_noise`, `window_noise` (relative standard deviations).
public struct BenchConfiguration: Sendable, Equatable {
    public enum MeterChoice: Sendable, Equatable {
        case simulated(SimulatedMeter.Configuration)
        case ppk2(DeviceEndpoint, PPK2Meter.Configuration)
    }

    public var board: DeviceEndpoint
    public var boardID: String?
    public var meter: MeterChoice
    /// Virtual board only: build and run the firmware with this version baked in (`make FIRMWARE_VERSION=…`)
    /// instead of the Makefile's default — how results for several firmware versions are produced without hardware.
    public var firmwareVersion: String?
    /// Real boards: what opening the bench does when the board runs other firmware than this checkout builds
    /// (`firmware:` key; default `check`).
    public var firmwarePolicy: FirmwarePolicy
    /// How `firmwarePolicy == .reflash` (and `tinyhil flash --bench FILE`) flashes the board (`flash_via:` key).
    public var flashMethod: FlashMethod

    public init(
        board: DeviceEndpoint, boardID: String? = nil, meter: MeterChoice, firmwareVersion: String? = nil,
        firmwarePolicy: FirmwarePolicy = .check, flashMethod: FlashMethod = .bootsel
    ) {
        self.flashMethod = flashMethod
        self.board = board
        self.boardID = boardID
        self.meter = meter
        self.firmwareVersion = firmwareVersion
        self.firmwarePolicy = firmwarePolicy
    }

    /// The default imperfections of the virtual bench's meter: 1 % window-to-window variation (the Pico study saw
    /// run-to-run standard deviations below 1.5 %) and 2 % per-sample noise.
    public static let virtualImperfections = SimulatedImperfections(sampleNoise: 0.02, windowNoise: 0.01)

    /// The firmware under QEMU with the simulated Pico meter.
    public static func virtual(
        seed: UInt64 = 1, imperfections: SimulatedImperfections = virtualImperfections, firmwareVersion: String? = nil
    ) -> Self {
        BenchConfiguration(
            board: .virtual, boardID: "virtual-mps2-an385",
            meter: .simulated(SimulatedMeter.Configuration(imperfections: imperfections, seed: seed)),
            firmwareVersion: firmwareVersion)
    }

    /// The Pico firmware under the RP2040 emulator with the simulated Pico meter. The board reports CPU cycles at
    /// 125 MHz, so the meter turns its windows into time and energy without the instruction-count CPI assumption.
    public static func emulatedPico(
        seed: UInt64 = 1, imperfections: SimulatedImperfections = virtualImperfections
    ) -> Self {
        BenchConfiguration(
            board: .emulatedPico, boardID: "emulated-rp2040-pico",
            meter: .simulated(SimulatedMeter.Configuration(imperfections: imperfections, seed: seed)))
    }

    /// The bench named by the environment: `TINYHIL_BENCH` (a configuration file), or `TINYHIL_PORT` (a board
    /// endpoint) with optional `TINYHIL_METER` (`simulated` or `ppk2:ENDPOINT`). Nil when none is set.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(BenchError) -> BenchConfiguration? {
        if let path = environment["TINYHIL_BENCH"], !path.isEmpty {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw .configuration(path: path, line: nil, reason: "cannot read: \(error.localizedDescription)")
            }
            return try parse(text, path: path)
        }
        guard let port = environment["TINYHIL_PORT"], !port.isEmpty else { return nil }
        var lines = "board: \(port)\n"
        if let meter = environment["TINYHIL_METER"], !meter.isEmpty { lines += "meter: \(meter)\n" }
        return try parse(lines, path: "TINYHIL_PORT/TINYHIL_METER")
    }

    /// The one meaning of `--bench` (every command, `TINYHIL_BENCH`/`TINYHIL_PORT` alike): `virtual`, a
    /// `pico-emulated` (the Pico firmware under the RP2040
    /// emulator), a configuration file (`.yml`/`.yaml` or any existing file), or a board endpoint (measured with the
    /// simulated meter).
    public static func resolve(_ text: String, seed: UInt64 = 1) throws(BenchError) -> BenchConfiguration {
        if text == "virtual" { return .virtual(seed: seed) }
        if text == "pico-emulated" { return .emulatedPico(seed: seed) }
        try PlannedBoard.refuse(text)
        let looksLikeConfiguration = text.hasSuffix(".yml") || text.hasSuffix(".yaml")
        if looksLikeConfiguration, !FileManager.default.fileExists(atPath: text) {
            throw .configuration(path: text, line: nil, reason: "no such file (a bench configuration; see docs/bench-setup.md)")
        }
        if !text.hasPrefix("/dev/"), FileManager.default.fileExists(atPath: text) {
            let contents: String
            do { contents = try String(contentsOfFile: text, encoding: .utf8) } catch {
                throw .configuration(path: text, line: nil, reason: "cannot read: \(error.localizedDescription)")
            }
            return try parse(contents, path: text)
        }
        return try parse("board: \(text)\nseed: \(seed)\n", path: "--bench \(text)")
    }

    /// Parses a configuration file's text.
    public static func parse(_ text: String, path: String) throws(BenchError) -> BenchConfiguration {
        var values: [String: (value: String, line: Int)] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw .configuration(path: path, line: index + 1, reason: "expected 'key: value', found '\(trimmed)'")
            }
            let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard Self.knownKeys.contains(key) else {
                throw .configuration(path: path, line: index + 1,
                                     reason: "unknown key '\(key)' (known: \(Self.knownKeys.sorted().joined(separator: ", ")))")
            }
            values[key] = (value, index + 1)
        }
        func number(_ key: String) throws(BenchError) -> Double? {
            guard let entry = values[key] else { return nil }
            guard let value = Double(entry.value) else {
                throw .configuration(path: path, line: entry.line, reason: "\(key) must be a number, found '\(entry.value)'")
            }
            return value
        }
        guard let boardEntry = values["board"] else {
            throw .configuration(path: path, line: nil, reason: "'board' is missing (e.g. board: /dev/ttyACM0 or board: virtual)")
        }
        try PlannedBoard.refuse(boardEntry.value)
        let board: DeviceEndpoint
        do { board = try DeviceEndpoint.parse(boardEntry.value) } catch {
            throw .configuration(path: path, line: boardEntry.line, reason: error.description)
        }
        let supply = Volts(try number("supply_volts") ?? 3.3)
        let meterText = values["meter"]?.value ?? "simulated"
        let meter: MeterChoice
        if meterText == "simulated" {
            var simulated = SimulatedMeter.Configuration(
                imperfections: virtualImperfections, seed: UInt64(try number("seed") ?? 1))
            if let noise = try number("sample_noise") { simulated.imperfections.sampleNoise = noise }
            if let noise = try number("window_noise") { simulated.imperfections.windowNoise = noise }
            simulated.model.supply = supply
            meter = .simulated(simulated)
        } else if meterText.hasPrefix("ppk2:") {
            let endpointText = String(meterText.dropFirst("ppk2:".count))
            let endpoint: DeviceEndpoint
            do { endpoint = try DeviceEndpoint.parse(endpointText) } catch {
                throw .configuration(path: path, line: values["meter"]?.line, reason: "meter endpoint: \(error.description)")
            }
            var ppk2 = PPK2Meter.Configuration()
            ppk2.supply = supply
            if let pin = try number("marker_pin") { ppk2.markerPin = Int(pin) }
            meter = .ppk2(endpoint, ppk2)
        } else {
            throw .configuration(path: path, line: values["meter"]?.line,
                                 reason: "meter must be 'simulated' or 'ppk2:ENDPOINT', found '\(meterText)'")
        }
        var policy = FirmwarePolicy.check
        if let entry = values["firmware"] {
            guard let chosen = FirmwarePolicy(rawValue: entry.value) else {
                throw .configuration(path: path, line: entry.line,
                                     reason: "firmware must be check, reflash or any, found '\(entry.value)'")
            }
            policy = chosen
        }
        var flashMethod = FlashMethod.bootsel
        if let entry = values["flash_via"] {
            guard let chosen = FlashMethod(rawValue: entry.value) else {
                throw .configuration(path: path, line: entry.line,
                                     reason: "flash_via must be bootsel or openocd, found '\(entry.value)'")
            }
            flashMethod = chosen
        }
        return BenchConfiguration(board: board, boardID: values["board_id"]?.value, meter: meter, firmwarePolicy: policy,
                                  flashMethod: flashMethod)
    }

    static let knownKeys: Set<String> = [
        "board", "board_id", "meter", "supply_volts", "marker_pin", "seed", "sample_noise", "window_noise", "firmware", "flash_via",
    ]
}
