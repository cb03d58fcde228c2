import DeviceLink
import Foundation
import PowerMeter

/// Which board and which meter make up a bench, and the facts that go with them.
///
/// A configuration file (`bench.yml`, YAML) describes one board or several boards of a bench host: ``BenchFile``.
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
    /// `labgrid:PLACE` boards: the coordinator's `host:port` (`coordinator:` key; nil: `LG_COORDINATOR`, else
    /// labgrid's default 127.0.0.1:20408).
    public var labgridCoordinator: String?
    /// `labgrid:PLACE` boards: how long to wait for a place another run holds (`--wait`, `wait_seconds:`); zero:
    /// fail at once with `LabgridError.placeHeld`.
    public var labgridWait: Duration = .zero

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

    /// The bench named by the environment: `TINYHIL_BENCH` (a configuration file; `TINYHIL_BOARD` names one of its
    /// boards), or `TINYHIL_PORT` (a board endpoint) with optional `TINYHIL_METER` (`simulated` or `ppk2:ENDPOINT`).
    /// Nil when none is set.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(BenchError) -> BenchConfiguration? {
        let board = environment["TINYHIL_BOARD"].flatMap { $0.isEmpty ? nil : $0 }
        if let path = environment["TINYHIL_BENCH"], !path.isEmpty {
            return try BenchFile.load(path: path).configuration(board: board)
        }
        guard let port = environment["TINYHIL_PORT"], !port.isEmpty else { return nil }
        var values = ["board": port]
        if let meter = environment["TINYHIL_METER"], !meter.isEmpty { values["meter"] = meter }
        return try BenchFile.board(values, origin: "TINYHIL_PORT/TINYHIL_METER")
    }

    /// The one meaning of `--bench` (every command, `TINYHIL_BENCH`/`TINYHIL_PORT` alike): `virtual`,
    /// `pico-emulated` (the Pico firmware under the RP2040 emulator), a configuration file (`.yml`/`.yaml` or any
    /// existing file; `board` names one of its boards), or a board endpoint (measured with the simulated meter).
    public static func resolve(_ text: String, seed: UInt64 = 1, board: String? = nil) throws(BenchError) -> BenchConfiguration {
        let looksLikeConfiguration = text.hasSuffix(".yml") || text.hasSuffix(".yaml")
        let isName = text == "virtual" || text == "pico-emulated"
        let isFile = !isName && !text.hasPrefix("/dev/") && FileManager.default.fileExists(atPath: text)
        if let board, !isFile {
            throw .configuration(path: text, line: nil,
                                 reason: "--board \(board) selects a board of a bench file, but '\(text)' is not one (docs/bench-setup.md)")
        }
        if text == "virtual" { return .virtual(seed: seed) }
        if text == "pico-emulated" { return .emulatedPico(seed: seed) }
        try PlannedBoard.refuse(text)
        if looksLikeConfiguration, !isFile {
            throw .configuration(path: text, line: nil, reason: "no such file (a bench configuration; see docs/bench-setup.md)")
        }
        if isFile { return try BenchFile.load(path: text).configuration(board: board) }
        return try BenchFile.board(["board": text, "seed": "\(seed)"], origin: "--bench \(text)")
    }

    /// Parses a configuration file's text (``BenchFile``): its only or default board, or the one named `board`.
    public static func parse(_ text: String, path: String, board: String? = nil) throws(BenchError) -> BenchConfiguration {
        try BenchFile.parse(text, path: path).configuration(board: board)
    }
}
