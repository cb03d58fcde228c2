import Bench
import DeviceLink
import Foundation
import Glibc
import Inference
import XCTest

/// `labgrid:PLACE` benches against a real labgrid coordinator and exporter on loopback (``LabgridFarm``): the place is
/// acquired for the run, its board reached over RFC 2217 through the exporter's ser2net, and released afterwards —
/// also when the run is killed. Skipped when labgrid is not installed (ci/python-env installs it); under CI=true
/// they fail instead.
final class LabgridPlaceTests: XCTestCase {
    private func configuration(_ farm: LabgridFarm, _ place: String, wait: Duration = .zero) throws -> BenchConfiguration {
        var configuration = try BenchConfiguration.resolve("labgrid:\(place)")
        configuration.labgridCoordinator = farm.address
        configuration.labgridWait = wait
        return configuration
    }

    private func tinyhil() throws -> URL {
        try XCTUnwrap(
            [Bundle.main.bundleURL, Bundle(for: Self.self).bundleURL.deletingLastPathComponent()]
                .map { $0.appendingPathComponent("tinyhil") }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "tinyhil executable not found next to the tests; build the package first")
    }

    private func start(_ arguments: [String], coordinator: String?, output: URL) throws -> Process {
        let process = Process()
        process.executableURL = try tinyhil()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let coordinator { environment["LG_COORDINATOR"] = coordinator }
        process.environment = environment
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private func run(_ arguments: [String], coordinator: String?) throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-lg-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try start(arguments, coordinator: coordinator, output: output)
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    private func measurement(_ text: String) throws -> [String: Any] {
        let start = try XCTUnwrap(text.firstIndex(of: "{"), text)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any], text)
        object["board_id"] = nil
        object["trace_path"] = nil
        if var baseline = object["baseline"] as? [String: Any] {
            baseline["board_id"] = nil
            baseline["trace_path"] = nil
            object["baseline"] = baseline
        }
        return object
    }

    /// `tinyhil measure M --baseline B --bench labgrid:place-1` prints what `--bench virtual` prints for the same
    /// firmware and meter seed (the board's counts and the simulated meter's energy; only the board id differs), and
    /// leaves the place released; `tinyhil infer` writes the same outputs through the place as on the local board.
    func testMeasureThroughAPlaceMatchesTheLocalVirtualBench() async throws {
        let farm = try await LabgridFarm.start(boardCount: 1)
        do {
            let models = FixtureModelPaths()
            let arguments = ["measure", models.candidate, "--baseline", models.baseline, "--json", "--no-record",
                             "--windows", "5", "--inferences-per-window", "2"]
            let local = try run(arguments + ["--bench", "virtual"], coordinator: nil)
            XCTAssertEqual(local.status, 0, local.output)
            let remote = try run(arguments + ["--bench", "labgrid:place-1"], coordinator: farm.address)
            XCTAssertEqual(remote.status, 0, remote.output)
            let localResult = try measurement(local.output), remoteResult = try measurement(remote.output)
            XCTAssertEqual(NSDictionary(dictionary: remoteResult), NSDictionary(dictionary: localResult),
                           "through labgrid:\n\(remote.output)\nlocal:\n\(local.output)")
            XCTAssertTrue(remote.output.contains("\"board_id\" : \"labgrid:place-1\""), remote.output)
            var holder = try await farm.holder(of: "place-1")
            XCTAssertNil(holder, "the place is still acquired after the run")

            // infer: the board's raw outputs through the place equal the local virtual board's, byte for byte.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-lg-infer-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let all = try NumPyArray(contentsOf: URL(fileURLWithPath: models.candidateInputs))
            let sampleBytes = all.bytes.count / all.shape[0]
            let inputs = directory.appendingPathComponent("inputs.npy")
            try NumPyArray(elementType: all.elementType, shape: [8] + all.shape.dropFirst(),
                           bytes: Array(all.bytes.prefix(8 * sampleBytes))).write(to: inputs)
            var outputs: [Data] = []
            for bench in ["virtual", "labgrid:place-1"] {
                let file = directory.appendingPathComponent("outputs-\(outputs.count).npy")
                let inferred = try run(["infer", models.candidate, "--inputs", inputs.path, "-o", file.path, "--bench", bench],
                                       coordinator: bench == "virtual" ? nil : farm.address)
                XCTAssertEqual(inferred.status, 0, inferred.output)
                outputs.append(try Data(contentsOf: file))
            }
            XCTAssertEqual(outputs[0], outputs[1], "infer through labgrid:place-1 differs from the local virtual board")
            let written = try NumPyArray(contentsOf: directory.appendingPathComponent("outputs-1.npy"))
            XCTAssertEqual(written.shape.first, 8, "one output row per input")
            holder = try await farm.holder(of: "place-1")
            XCTAssertNil(holder, "the place is still acquired after infer")
        } catch {
            await farm.stop()
            throw error
        }
        await farm.stop()
    }

    /// Two runs on one place never share it: the second fails with `placeHeld` at once, or with `--wait` waits —
    /// `waitExpired` when the first keeps it, the board once the first releases it.
    func testASecondRunOnAHeldPlaceFailsOrWaits() async throws {
        let farm = try await LabgridFarm.start(boardCount: 1)
        do {
            let first = try await configuration(farm, "place-1").openBoard()
            _ = try await first.device.hello()
            do {
                _ = try await configuration(farm, "place-1").openBoard()
                XCTFail("a held place was opened a second time")
            } catch let BenchError.labgrid(error) {
                guard case .placeHeld(place: "place-1", _) = error else { return XCTFail("\(error)") }
            }
            let clock = ContinuousClock()
            let waitStarted = clock.now
            do {
                _ = try await configuration(farm, "place-1", wait: .seconds(2)).openBoard()
                XCTFail("a held place was opened a second time")
            } catch let BenchError.labgrid(error) {
                guard case .waitExpired(place: "place-1", _, _) = error else { return XCTFail("\(error)") }
            }
            let waited = clock.now - waitStarted
            XCTAssertGreaterThanOrEqual(waited, .seconds(2))
            XCTAssertLessThan(waited, .seconds(15), "--wait 2 took \(waited)")
            // The command line's --wait, against the place this process holds (the same user: another run).
            let models = FixtureModelPaths()
            let refused = try run(["measure", models.candidate, "--bench", "labgrid:place-1", "--no-record", "--wait", "1"],
                                  coordinator: farm.address)
            XCTAssertNotEqual(refused.status, 0, refused.output)
            XCTAssertTrue(refused.output.contains("stayed acquired by this user"), refused.output)
            let misplaced = try run(["measure", models.candidate, "--bench", "virtual", "--no-record", "--wait", "1"],
                                    coordinator: nil)
            XCTAssertNotEqual(misplaced.status, 0, misplaced.output)
            XCTAssertTrue(misplaced.output.contains("--wait applies to a labgrid place"), misplaced.output)

            let waiting = try configuration(farm, "place-1", wait: .seconds(60))
            let second = Task { () async throws -> (any Board, ContinuousClock.Instant) in
                let board = try await waiting.openBoard()
                return (board, ContinuousClock.now)
            }
            try await Task.sleep(for: .seconds(2))
            let releasedAt = ContinuousClock.now
            await first.close()
            let (board, openedAt) = try await second.value
            XCTAssertGreaterThan(openedAt, releasedAt, "the waiting run got the board before the first released it")
            let hello = try await board.device.hello()
            XCTAssertFalse(hello.firmwareVersion.isEmpty)
            await board.close()
            let holder = try await farm.holder(of: "place-1")
            XCTAssertNil(holder)
        } catch {
            await farm.stop()
            throw error
        }
        await farm.stop()
    }

    /// A run killed in the middle of measuring (SIGKILL: no handler runs; then SIGINT, SIGTERM) leaves the place released
    /// by its guard process within seconds, and the next run measures on the same board.
    func testAKilledRunReleasesThePlace() async throws {
        let farm = try await LabgridFarm.start(boardCount: 1)
        do {
            let models = FixtureModelPaths()
            for signal in [SIGKILL, SIGINT, SIGTERM] {
                let output = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-lg-\(UUID().uuidString).txt")
                defer { try? FileManager.default.removeItem(at: output) }
                let process = try start(["measure", models.candidate, "--bench", "labgrid:place-1", "--no-record",
                                         "--windows", "400", "--inferences-per-window", "5"],
                                        coordinator: farm.address, output: output)
                try await farm.waitFor("the run to acquire place-1") { try await farm.holder(of: "place-1") != nil }
                try await Task.sleep(for: .seconds(2))  // in the middle of its windows
                XCTAssertTrue(process.isRunning, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
                kill(process.processIdentifier, signal)
                process.waitUntilExit()
                let killedAt = ContinuousClock.now
                try await farm.waitFor("place-1 to be released after signal \(signal)", seconds: 20) {
                    try await farm.holder(of: "place-1") == nil
                }
                XCTAssertLessThan(ContinuousClock.now - killedAt, .seconds(20))
            }
            let board = try await configuration(farm, "place-1").openBoard()
            _ = try await board.device.hello()
            await board.close()
        } catch {
            await farm.stop()
            throw error
        }
        await farm.stop()
    }

    /// A place with a `meter` resource measures with a PPK2 reached over RFC 2217 through the exporter's ser2net:
    /// the bench's meter is a PPK2 at the place's `rfc2217://` address, which asked the (simulated) kit for its
    /// calibration; closing the bench releases the place.
    func testAPlaceMeterIsAPPK2OverRFC2217() async throws {
        let farm = try await LabgridFarm.start(boardCount: 1, meter: true)
        do {
            let bench = try await Bench.open(try configuration(farm, "place-1"))
            let identity = await bench.meter.identity
            XCTAssertEqual(identity.kind, "PPK2")
            XCTAssertTrue(identity.id.hasPrefix("ppk2:rfc2217://127.0.0.1:"), identity.id)
            let simulator = try XCTUnwrap(farm.meter?.simulator)
            let commands = await simulator.receivedCommands
            XCTAssertTrue(commands.contains(.getMetadata), "\(commands)")
            XCTAssertEqual(bench.boardID, "labgrid:place-1")
            await bench.close()
            let holder = try await farm.holder(of: "place-1")
            XCTAssertNil(holder)
        } catch {
            await farm.stop()
            throw error
        }
        await farm.stop()
    }

    /// Bad input, each a typed error within a bounded time: an unreachable coordinator, an unknown place, a place
    /// whose resources include no `board` (released again afterwards).
    func testBadInputIsATypedErrorWithinBoundedTime() async throws {
        let farm = try await LabgridFarm.start(
            boardCount: 0,
            extraExport: "spare:\n  console:\n    cls: NetworkSerialPort\n    host: 127.0.0.1\n    port: 9\n    speed: 115200\n",
            extraPlaces: ["place-noboard": "tinyhil-farm/spare/*"])
        do {
            let clock = ContinuousClock()
            func expectError(_ configuration: BenchConfiguration, _ check: (LabgridError) -> Bool) async {
                let started = clock.now
                do {
                    let board = try await configuration.openBoard()
                    await board.close()
                    XCTFail("opened \(configuration.board)")
                } catch let BenchError.labgrid(error) {
                    XCTAssertTrue(check(error), "\(error)")
                    XCTAssertFalse(error.description.isEmpty)
                } catch {
                    XCTFail("not a labgrid error: \(error)")
                }
                XCTAssertLessThan(clock.now - started, .seconds(30))
            }
            var unreachable = try configuration(farm, "place-1")
            unreachable.labgridCoordinator = "127.0.0.1:\(try LabgridFarm.freeLoopbackPort())"
            await expectError(unreachable) { if case .coordinatorUnreachable = $0 { true } else { false } }
            await expectError(try configuration(farm, "no-such-place")) {
                if case .unknownPlace(place: "no-such-place", _) = $0 { true } else { false }
            }
            await expectError(try configuration(farm, "place-noboard")) {
                if case let .noBoardResource(place: "place-noboard", found) = $0 { found == ["NetworkSerialPort/console"] } else { false }
            }
            let holder = try await farm.holder(of: "place-noboard")
            XCTAssertNil(holder, "a place without a board stayed acquired")
        } catch {
            await farm.stop()
            throw error
        }
        await farm.stop()
    }

    /// `labgrid: PLACE` in a bench file, with its keys; mistakes are errors naming the key.
    func testBenchFileNamesAPlace() throws {
        let file = try BenchFile.parse(
            "boards:\n  farm-1:\n    labgrid: place-1\n    coordinator: farm-host:20408\n    wait_seconds: 90\n", path: "bench.yml")
        let configuration = try file.configuration(board: "farm-1")
        XCTAssertEqual(configuration.board, .labgridPlace("place-1"))
        XCTAssertEqual(configuration.labgridCoordinator, "farm-host:20408")
        XCTAssertEqual(configuration.labgridWait, .seconds(90))
        XCTAssertEqual(configuration.boardID, "farm-1")
        XCTAssertEqual(try BenchConfiguration.resolve("labgrid:place-2").board, .labgridPlace("place-2"))
        XCTAssertThrowsError(try BenchFile.parse("board: virtual\nlabgrid: place-1\n", path: "b.yml"))
        XCTAssertThrowsError(try BenchFile.parse("board: virtual\ncoordinator: h:1\n", path: "b.yml")) { error in
            XCTAssertTrue("\(error)".contains("coordinator"), "\(error)")
        }
        XCTAssertThrowsError(try BenchFile.parse("labgrid: place-1\nwait_seconds: -1\n", path: "b.yml"))
        XCTAssertThrowsError(try BenchConfiguration.resolve("labgrid:"))
    }

    /// labgrid-client's error texts (labgrid 26.0.1, as printed) map to their cases.
    func testClientMessagesBecomeTypedErrors() {
        let client = LabgridClient(executable: "/bin/false", coordinator: "h:1")
        func classify(_ text: String) -> LabgridError {
            client.classify(.init(exitStatus: 1, output: text), place: "p", command: ["acquire"])
        }
        XCTAssertEqual(classify("labgrid-client: Error: Place p is already acquired by vm/root. To work simultaneously, root can execute …"),
                       .placeHeld(place: "p", holder: "vm/root"))
        XCTAssertEqual(classify("labgrid-client: Error: place pattern p matches nothing"), .unknownPlace(place: "p", coordinator: "h:1"))
        guard case .coordinatorUnreachable(address: "h:1", _) = classify(
            "ERROR root: coordinator is unavailable: failed to connect\nServer error: Error: Could not connect to coordinator") else {
            return XCTFail("unreachable")
        }
        guard case .placeHeld = classify("labgrid-client: Error: You have already acquired place p.") else { return XCTFail("same user") }
        guard case .resourcesUnavailable = classify("labgrid-client: Error: Match x/y/* has no matching remote resource") else {
            return XCTFail("resources")
        }
    }
}

/// Two fixture models of the repository: a channel-pruned LeNet (with its fixture inputs) and the int8 LeNet.
private struct FixtureModelPaths {
    let candidate: String
    let candidateInputs: String
    let baseline: String
    init() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidate = root.appendingPathComponent("fixtures/models/lenet_channel_pruned_int8.tflite").path
        candidateInputs = root.appendingPathComponent("fixtures/models/lenet_channel_pruned_int8.inputs.npy").path
        baseline = root.appendingPathComponent("fixtures/models/lenet_int8.tflite").path
    }
}
