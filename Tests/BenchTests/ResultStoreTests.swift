import Foundation
import TinyHILTestSupport
import XCTest
@testable import Bench

final class ResultStoreTests: XCTestCase {
    private func temporaryStorePath() -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-store-\(UUID().uuidString)", isDirectory: true)
        return directory.appendingPathComponent("results.sqlite").path
    }

    private func sample(model: String, firmware: String, energy: Double) -> StoredResult {
        StoredResult(
            kind: .measurement, modelName: model, modelSHA256: String(repeating: "ab", count: 32),
            boardID: "virtual-mps2-an385", meterID: "simulated", firmwareVersion: firmware,
            firmwareBuildID: "build-\(firmware)", harnessVersion: "0.1.0", repositoryCommit: "abc1234",
            energyMicrojoulesMedian: energy, energyMicrojoulesCILow: energy * 0.99,
            energyMicrojoulesCIHigh: energy * 1.01, windowEnergiesMicrojoules: [energy, energy * 1.01, energy * 0.99],
            latencyMicrosecondsMedian: 1234.5, counterPerInference: 3_000_000, counterUnit: "instructions",
            arenaBytes: 12_345, flashBytes: 67_890)
    }

    func testRecordedResultsReadBackIdentically() throws {
        let store = try ResultStore(path: temporaryStorePath())
        let first = try store.record(sample(model: "lenet", firmware: "1.0.0", energy: 100))
        let second = try store.record(sample(model: "lenet", firmware: "1.1.0", energy: 90))
        XCTAssertNotNil(first.id)
        XCTAssertNotEqual(first.id, second.id)
        let all = try store.results(model: "lenet")
        XCTAssertEqual(all.map(\.firmwareVersion), ["1.0.0", "1.1.0"])
        XCTAssertEqual(all[1].windowEnergiesMicrojoules, [90, 90 * 1.01, 90 * 0.99])
        XCTAssertEqual(all[0].counterUnit, "instructions")
        XCTAssertEqual(try store.results(model: "other"), [])
    }

    func testLastResultSkipsTheCurrentFirmwareVersion() throws {
        let store = try ResultStore(path: temporaryStorePath())
        try store.record(sample(model: "lenet", firmware: "1.0.0", energy: 100))
        try store.record(sample(model: "lenet", firmware: "1.1.0", energy: 90))
        try store.record(sample(model: "lenet", firmware: "1.2.0", energy: 95))
        let reference = try store.lastResult(model: "lenet", kind: .measurement, excludingFirmwareVersion: "1.2.0")
        XCTAssertEqual(reference?.firmwareVersion, "1.1.0")
        XCTAssertNil(try store.lastResult(model: "lenet", kind: .accuracy, excludingFirmwareVersion: "1.2.0"))
    }

    func testReopeningKeepsResultsAndSchema() throws {
        let path = temporaryStorePath()
        do {
            let store = try ResultStore(path: path)
            try store.record(sample(model: "lenet", firmware: "1.0.0", energy: 100))
        }
        let reopened = try ResultStore(path: path)
        XCTAssertEqual(try reopened.results().count, 1)
    }

    func testUnwritableLocationIsATypedError() {
        XCTAssertThrowsError(try ResultStore(path: "/proc/tinyhil-cannot-write-here/results.sqlite")) { error in
            guard case ResultStoreError.cannotOpen = error else { return XCTFail("unexpected \(error)") }
        }
    }

    /// A writer process is killed with SIGKILL in the middle of recording; every result it reported as committed
    /// must be in the store afterwards, and the store must open and accept new results.
    func testKilledWriterLosesNoCommittedResult() throws {
        let binary = try XCTUnwrap(productsDirectory()?.appendingPathComponent("tinyhil"))
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            return XCTFail("tinyhil executable not found at \(binary.path); build the package first")
        }
        let path = temporaryStorePath()
        _ = try ResultStore(path: path)  // create schema up front

        let process = Process()
        process.executableURL = binary
        process.arguments = ["_store-writer", "--store", path, "--count", "100000"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()

        // Read committed ids until we have seen a good number, then kill the writer mid-stream.
        var committed: [Int64] = []
        var buffer = Data()
        let handle = output.fileHandleForReading
        while committed.count < 200 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if let id = Int64(line.trimmingCharacters(in: .whitespaces)) { committed.append(id) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitForExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertGreaterThanOrEqual(committed.count, 200, "the writer stopped before being killed")

        let store = try ResultStore(path: path)
        let stored = Set(try store.results().compactMap(\.id))
        let missing = committed.filter { !stored.contains($0) }
        XCTAssertEqual(missing, [], "results reported as committed are missing after the kill")
        XCTAssertNoThrow(try store.record(sample(model: "after-kill", firmware: "1.0.0", energy: 1)))
    }

    private func productsDirectory() -> URL? {
        // swift test runs <products>/TinyHILPackageTests.xctest; the tinyhil executable sits beside it.
        let candidates = [Bundle.main.bundleURL, Bundle(for: Self.self).bundleURL.deletingLastPathComponent()]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tinyhil").path) }
            ?? candidates.first
    }
}

final class ModelIdentityTests: XCTestCase {
    func testSHA256MatchesThePublishedTestVector() {
        // FIPS 180-2 example: SHA-256("abc").
        XCTAssertEqual(ModelUnderTest(name: "abc", bytes: Array("abc".utf8)).sha256,
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
