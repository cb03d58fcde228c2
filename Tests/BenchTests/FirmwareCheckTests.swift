import Bench
import DeviceLink
import Foundation
import TinyHILTestSupport
import XCTest

/// Opening a bench on a real board checks that the board runs the firmware this checkout builds: the board is the
/// in-process FakeBoard made to report a chosen board name, version and build id.
final class FirmwareCheckTests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private let endpoint = DeviceEndpoint.serialPath("/dev/ttyACM7")  // never opened: the board is given
    private let hostBuild = FirmwareIdentity(firmwareVersion: "1.0.0", buildID: "aaaaaaaaaaaa")

    private func fakePico(version: String = "1.0.0", build: String) async throws -> InProcessBoard {
        var options = FakeBoard.Options()
        options.boardName = "rp2040-pico"
        options.firmwareVersion = version
        options.buildID = build
        return try await InProcessBoard.start(options)
    }

    private func configuration(_ policy: FirmwarePolicy) -> BenchConfiguration {
        var configuration = try! BenchConfiguration.parse("board: /dev/ttyACM7\n", path: "test")
        configuration.firmwarePolicy = policy
        return configuration
    }

    /// The board's build against the real build of firmware/boards/pico (make runs if stale): the error names the
    /// board's build id, the host's (read here from build-info.txt, written by the Makefile) and `tinyhil flash`.
    func testABoardReportingAnotherBuildIsRefusedNamingBothBuildsAndTheFix() async throws {
        let board = try await fakePico(build: "0123456789ab")
        _ = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
        let info = try String(contentsOf: Self.repository.appendingPathComponent("firmware/build/pico/build-info.txt"),
                              encoding: .utf8)
        let hostBuildID = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("build_id=") }?.dropFirst(9))
        XCTAssertNotEqual(String(hostBuildID), "0123456789ab")
        let repository = Self.repository
        do {
            _ = try await configuration(.check).verifyFirmware(
                of: board, expected: { try await FirmwareIdentity.expected(board: $0, repository: repository) },
                flasher: nil, reopen: { XCTFail("no reopen without reflash"); return board })
            XCTFail("a board with another build was accepted")
        } catch let BenchError.firmwareMismatch(mismatch) {
            XCTAssertEqual(mismatch.reported.buildID, "0123456789ab")
            XCTAssertEqual(mismatch.expected?.buildID, String(hostBuildID))
            let text = "\(BenchError.firmwareMismatch(mismatch))"
            XCTAssertTrue(text.contains("0123456789ab"), text)
            XCTAssertTrue(text.contains(String(hostBuildID)), text)
            XCTAssertTrue(text.contains("tinyhil flash --bench /dev/ttyACM7"), text)
        }
        XCTAssertTrue(board.isClosed, "a refused board is closed")
    }

    /// The same build id but another firmware version is another firmware.
    func testAnotherVersionOfTheSameBuildIsRefused() async throws {
        let board = try await fakePico(version: "1.1.0", build: hostBuild.buildID)
        let hostBuild = self.hostBuild
        do {
            _ = try await configuration(.check).verifyFirmware(
                of: board, expected: { _ in hostBuild }, flasher: nil, reopen: { board })
            XCTFail("accepted")
        } catch let BenchError.firmwareMismatch(mismatch) {
            XCTAssertEqual(mismatch.reported.firmwareVersion, "1.1.0")
            XCTAssertEqual(mismatch.expected?.firmwareVersion, "1.0.0")
        }
    }

    func testAMatchingBoardIsKeptOpenAndUsable() async throws {
        let board = try await fakePico(build: hostBuild.buildID)
        let hostBuild = self.hostBuild
        let checked = try await configuration(.check).verifyFirmware(
            of: board, expected: { folder in
                XCTAssertEqual(folder, "pico")
                return hostBuild
            }, flasher: nil, reopen: { XCTFail("no reopen"); return board })
        XCTAssertTrue(checked === board)
        XCTAssertFalse(board.isClosed)
        _ = try await board.device.hello()
        await board.close()
    }

    func testPolicyAnyAcceptsAnyFirmwareEvenOfAnUnknownBoard() async throws {
        let board = try await InProcessBoard.start()  // "fake-board", build "test"
        let checked = try await configuration(.any).verifyFirmware(
            of: board, expected: { _ in XCTFail("not consulted"); return FirmwareIdentity(firmwareVersion: "", buildID: "") },
            flasher: nil, reopen: { board })
        XCTAssertTrue(checked === board)
        await board.close()
    }

    func testABoardTinyHILBuildsNoFirmwareForIsRefused() async throws {
        let board = try await InProcessBoard.start()  // "fake-board"
        let hostBuild = self.hostBuild
        do {
            _ = try await configuration(.check).verifyFirmware(of: board, expected: { _ in hostBuild }, flasher: nil,
                                                               reopen: { board })
            XCTFail("accepted")
        } catch let BenchError.firmwareMismatch(mismatch) {
            XCTAssertNil(mismatch.expected)
            XCTAssertTrue("\(mismatch)".contains("'fake-board'"))
        }
    }

    /// `reflash`: the stale board is closed, flashed once with the pico firmware, reopened and checked again.
    func testReflashFlashesAStaleBoardAndReturnsTheReopenedOne() async throws {
        let stale = try await fakePico(build: "0123456789ab")
        let flasher = RecordingFlasher()
        let hostBuild = self.hostBuild
        let fresh = try await fakePico(build: hostBuild.buildID)
        let checked = try await configuration(.reflash).verifyFirmware(
            of: stale, expected: { _ in hostBuild }, flasher: flasher, reopen: { fresh })
        XCTAssertTrue(checked === fresh)
        XCTAssertTrue(stale.isClosed)
        let calls = await flasher.calls
        XCTAssertEqual(calls.map(\.folder), ["pico"])
        XCTAssertEqual(calls.map(\.endpoint), [endpoint])
        await fresh.close()
    }

    /// A flash that did not take (the board still reports the old build) is an error, not a silently stale bench.
    func testReflashThatDidNotTakeIsAnError() async throws {
        let stale = try await fakePico(build: "0123456789ab")
        let stillStale = try await fakePico(build: "0123456789ab")
        let hostBuild = self.hostBuild
        do {
            _ = try await configuration(.reflash).verifyFirmware(
                of: stale, expected: { _ in hostBuild }, flasher: RecordingFlasher(), reopen: { stillStale })
            XCTFail("accepted")
        } catch let BenchError.reflashFailed(mismatch, reason) {
            XCTAssertEqual(mismatch.reported.buildID, "0123456789ab")
            XCTAssertTrue(reason.contains("still reports"), reason)
        }
        XCTAssertTrue(stillStale.isClosed)
    }

    func testTheFirmwareKeyOfABenchConfiguration() throws {
        XCTAssertEqual(try BenchConfiguration.parse("board: /dev/ttyACM0\n", path: "b.yml").firmwarePolicy, .check)
        XCTAssertEqual(try BenchConfiguration.parse("board: /dev/ttyACM0\nfirmware: reflash\n", path: "b.yml").firmwarePolicy,
                       .reflash)
        XCTAssertThrowsError(try BenchConfiguration.parse("board: /dev/ttyACM0\nfirmware: sometimes\n", path: "b.yml")) {
            XCTAssertTrue("\($0)".contains("key 'firmware': must be check, reflash or any"), "\($0)")
        }
    }
}

private actor RecordingFlasher: BoardFlasher {
    private(set) var calls: [(folder: String, endpoint: DeviceEndpoint)] = []
    func flash(firmwareBoard: String, endpoint: DeviceEndpoint) async throws { calls.append((firmwareBoard, endpoint)) }
}

/// The check on the real opening path: `BenchConfiguration.openBoard()` on a `unix:` endpoint served by the Pico
/// emulator running a UF2 built with another firmware version (`make FIRMWARE_VERSION=9.9.9`) is refused; the same
/// endpoint serving this checkout's default build opens.
final class FirmwareCheckOnOpenTests: XCTestCase {
    private static let repository = FirmwareBuild.defaultRepository

    private func serveEmulatedPico(uf2: URL) throws -> (process: Process, socket: String) {
        let python = EmulatedPico.python(repository: Self.repository)
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: python)
        probe.arguments = ["-c", "import rp2040py"]
        probe.standardError = FileHandle.nullDevice
        if !FileManager.default.isExecutableFile(atPath: python) || (try? probe.run()) == nil
            || { probe.waitForExit(); return probe.terminationStatus != 0 }()
        {
            let message = "no Python with rp2040py at \(python): run ci/install-deps or set TINYHIL_PYTHON"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
            throw XCTSkip(message)
        }
        let socket = NSTemporaryDirectory() + "tinyhil-check-\(UUID().uuidString.prefix(8)).sock"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.repository.appendingPathComponent("firmware/boards/pico/emulator/run_pico.py").path,
                             uf2.path, "--unix", socket]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline, process.isRunning { usleep(20_000) }
        return (process, socket)
    }

    private func stop(_ served: (process: Process, socket: String)) {
        if served.process.isRunning { served.process.terminate() }
        served.process.waitForExit()
        try? FileManager.default.removeItem(atPath: served.socket)
    }

    func testOpeningABoardRunningAnotherFirmwareVersionIsRefused() async throws {
        let elf = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico", firmwareVersion: "9.9.9")
        let served = try serveEmulatedPico(uf2: elf.deletingLastPathComponent().appendingPathComponent("firmware.uf2"))
        defer { stop(served) }
        let configuration = try BenchConfiguration.parse("board: unix:\(served.socket)\n", path: "test")
        do {
            let board = try await configuration.openBoard(timeouts: EmulatedPico.timeouts)
            await board.close()
            XCTFail("a board running firmware 9.9.9 was opened")
        } catch let BenchError.firmwareMismatch(mismatch) {
            XCTAssertEqual(mismatch.reported.firmwareVersion, "9.9.9")
            XCTAssertEqual(mismatch.expected?.firmwareVersion, "1.0.0")
            XCTAssertEqual(mismatch.boardName, "rp2040-pico")
            XCTAssertTrue("\(mismatch)".contains("tinyhil flash --bench unix:\(served.socket)"), "\(mismatch)")
        }
    }

    func testOpeningABoardRunningThisCheckoutsBuildSucceeds() async throws {
        _ = try await FirmwareBuild.ensureBuilt(repository: Self.repository, board: "pico")
        let served = try serveEmulatedPico(uf2: EmulatedPico.uf2(repository: Self.repository))
        defer { stop(served) }
        let configuration = try BenchConfiguration.parse("board: unix:\(served.socket)\n", path: "test")
        let board = try await configuration.openBoard(timeouts: EmulatedPico.timeouts)
        let facts = try await board.facts()
        await board.close()
        XCTAssertEqual(facts.boardName, "rp2040-pico")
        XCTAssertEqual(facts.firmwareVersion, "1.0.0")
    }
}
