import Foundation
import Logging

/// Puts the host's firmware build on a real board (`tinyhil flash`, and `FirmwarePolicy.reflash` when a bench opens
/// a stale board).
public protocol BoardFlasher: Sendable {
    /// Flashes the build of `firmware/boards/<firmwareBoard>` onto the board reached at `endpoint` (closed while
    /// this runs) and returns once the board answers HELLO with the flashed build.
    func flash(firmwareBoard: String, endpoint: DeviceEndpoint) async throws
}

/// How a Pico is flashed.
public enum FlashMethod: String, Sendable, Equatable, CaseIterable {
    /// Copy the UF2 onto the bootrom's RPI-RP2 drive (the board must be in BOOTSEL mode).
    case bootsel
    /// Program the ELF through a CMSIS-DAP debug probe with OpenOCD.
    case openocd
}

/// Flashes this checkout's Pico firmware (built by `make -C firmware board=pico` when stale) and confirms it: after
/// the copy or the probe, the board must answer HELLO at its endpoint with the flashed version and build id.
public struct PicoFlasher: BoardFlasher {
    public var method: FlashMethod
    /// BOOTSEL: the drive's mount point; nil = find the one mounted RPI-RP2 drive.
    public var drive: String?
    /// BOOTSEL: how long to wait for the drive to appear.
    public var driveTimeout: Duration
    /// How long the board may take to answer HELLO after flashing.
    public var returnTimeout: Duration
    public var openOCD: OpenOCDFlasher
    public var repository: URL
    /// Opens the board after flashing (default: `DeviceEndpoint.open`); tests put an emulated Pico here.
    public var openBoard: @Sendable (DeviceEndpoint) async throws -> any Board

    public init(
        method: FlashMethod = .bootsel, drive: String? = nil, driveTimeout: Duration = .seconds(10),
        returnTimeout: Duration = .seconds(20), openOCD: OpenOCDFlasher = OpenOCDFlasher(),
        repository: URL = FirmwareBuild.defaultRepository,
        openBoard: @escaping @Sendable (DeviceEndpoint) async throws -> any Board = {
            try await $0.open(timeouts: DeviceTimeouts(command: .seconds(2), attempts: 1))
        }
    ) {
        self.method = method
        self.drive = drive
        self.driveTimeout = driveTimeout
        self.returnTimeout = returnTimeout
        self.openOCD = openOCD
        self.repository = repository
        self.openBoard = openBoard
    }

    /// What `flash` did: where the UF2 went (BOOTSEL) and the firmware the board now reports.
    public struct Outcome: Sendable, Equatable {
        public var writtenFile: String?
        public var identity: FirmwareIdentity
    }

    static let logger = Logger(label: "tinyhil.flash")

    public func flash(firmwareBoard: String, endpoint: DeviceEndpoint) async throws {
        guard firmwareBoard == "pico" else {
            throw FlashError.imageUnusable(path: "firmware/boards/\(firmwareBoard)",
                                           reason: "only the Pico is flashed by TinyHIL (this is '\(firmwareBoard)')")
        }
        _ = try await flashPico(confirmingAt: endpoint)
    }

    /// Builds if stale, flashes, and (when `endpoint` is given) waits for HELLO with the flashed identity.
    public func flashPico(confirmingAt endpoint: DeviceEndpoint?) async throws(FlashError) -> Outcome {
        let expected: FirmwareIdentity
        do { expected = try await FirmwareIdentity.expected(board: "pico", repository: repository) } catch {
            throw .firmware(error)
        }
        let build = repository.appendingPathComponent("firmware/build/pico")
        var written: String?
        switch method {
        case .bootsel:
            let target: UF2Drive
            if let drive {
                target = try UF2Drive(path: drive)
            } else if let mounted = try? await UF2Drive.find(timeout: .zero) {
                target = mounted
            } else if let endpoint, await Self.rebootIntoBootloader(at: endpoint, open: openBoard) {
                Self.logger.notice("the board at \(endpoint) rebooted into BOOTSEL; waiting up to \(driveTimeout) for its RPI-RP2 drive")
                target = try await UF2Drive.find(timeout: driveTimeout)
            } else {
                Self.logger.notice(
                    "waiting up to \(driveTimeout) for the Pico's RPI-RP2 drive: hold BOOTSEL while plugging the Pico in (and mount the drive if your system does not)")
                target = try await UF2Drive.find(timeout: driveTimeout)
            }
            written = try target.write(uf2: build.appendingPathComponent("firmware.uf2"))
        case .openocd:
            try await openOCD.program(elf: build.appendingPathComponent("firmware.elf"))
        }
        guard let endpoint else { return Outcome(writtenFile: written, identity: expected) }
        try await Self.waitForFirmware(expected, at: endpoint, timeout: returnTimeout, open: openBoard)
        return Outcome(writtenFile: written, identity: expected)
    }

    /// Asks the board at `endpoint` to reboot into its USB bootloader (RESET 2), when it answers and its HELLO says
    /// it can. False when it cannot be reached or has no USB bootloader: then BOOTSEL takes a hand on the button.
    static func rebootIntoBootloader(
        at endpoint: DeviceEndpoint, open: @Sendable (DeviceEndpoint) async throws -> any Board
    ) async -> Bool {
        guard let board = try? await open(endpoint) else { return false }
        guard let facts = try? await board.facts(), facts.hasUSBBootloader else {
            await board.close()
            return false
        }
        var confirmed = true
        do {
            try await board.device.reset(.bootloader)
        } catch {
            logger.notice("the board at \(endpoint) did not confirm the reboot into BOOTSEL: \(error)")
            confirmed = false
        }
        await board.close()
        return confirmed
    }

    /// Tries to open `endpoint` and say HELLO until the board reports `expected` or `timeout` passes (the board
    /// reboots after the copy; its port may vanish and come back meanwhile).
    public static func waitForFirmware(
        _ expected: FirmwareIdentity, at endpoint: DeviceEndpoint, timeout: Duration,
        open: @Sendable (DeviceEndpoint) async throws -> any Board
    ) async throws(FlashError) {
        let deadline = ContinuousClock.now + timeout
        var lastProblem = "no try yet"
        var lastReported: FirmwareIdentity?
        while true {
            do {
                let board = try await open(endpoint)
                let facts = try? await board.facts()
                await board.close()
                if let facts {
                    let reported = FirmwareIdentity(facts)
                    if reported == expected { return }
                    lastReported = reported
                    lastProblem = "answered with \(reported)"
                }
            } catch {
                lastProblem = "\(error)"
            }
            if ContinuousClock.now >= deadline {
                if let lastReported {
                    throw .wrongFirmwareAnswered(endpoint: endpoint.description, reported: lastReported, expected: expected)
                }
                throw .boardDidNotReturn(endpoint: endpoint.description,
                                         waitedSeconds: Double(timeout.components.seconds), lastProblem: lastProblem)
            }
            try? await Task.sleep(for: .milliseconds(300))
        }
    }
}
