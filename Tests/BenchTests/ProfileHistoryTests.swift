import Foundation
import XCTest
@testable import Bench

/// `ProfileHistory`: per-operator profiles across firmware builds, with changes computed by hand below.
final class ProfileHistoryTests: XCTestCase {
    private func profile(model: String = "lenet_int8", board: String = "qemu-mps2-an385", unit: String = "instructions",
                         version: String, build: String, at seconds: Double, counters: [Int64],
                         names: [String] = ["CONV_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED"]) -> StoredProfile {
        StoredProfile(
            recordedAt: Date(timeIntervalSince1970: 1_700_000_000 + seconds), modelName: model, modelSHA256: "00",
            boardID: board, firmwareVersion: version, firmwareBuildID: build, counterUnit: unit,
            totalCounter: counters.reduce(0, +) + 100,
            operators: zip(names.indices, zip(names, counters)).map { .init(index: $0, name: $1.0, counter: $1.1) })
    }

    func testOneEntryPerBuildInFirstSeenOrderWithTheLatestProfile() {
        let histories = ProfileHistory.histories(of: [
            profile(version: "0.2.0", build: "b2", at: 30, counters: [800, 50, 250]),
            profile(version: "0.1.0", build: "b1", at: 10, counters: [1000, 50, 250]),
            profile(version: "0.1.0", build: "b1", at: 20, counters: [900, 50, 250]),   // a newer run of b1 wins
        ])
        XCTAssertEqual(histories.count, 1)
        let entries = histories[0].entries
        XCTAssertEqual(entries.map(\.firmwareBuildID), ["b1", "b2"])
        XCTAssertEqual(entries.map(\.totalCounter), [1300, 1200])   // 900 + 50 + 250 + 100, 800 + 50 + 250 + 100
        XCTAssertNil(entries[0].totalChange)
        XCTAssertEqual(entries[1].totalChange!, -100.0 / 1300.0, accuracy: 1e-12)
        let changes = histories[0].lastOperatorChanges
        XCTAssertEqual(changes.first?.name, "CONV_2D")                // the largest absolute change first
        XCTAssertEqual(changes.first?.previous, 900)
        XCTAssertEqual(changes.first?.current, 800)
        XCTAssertEqual(changes.first!.change!, -100.0 / 900.0, accuracy: 1e-12)
        XCTAssertEqual(changes.dropFirst().map { $0.current - $0.previous }, [0, 0])
    }

    func testBoardsUnitsAndModelsAreNeverMixed() {
        let histories = ProfileHistory.histories(of: [
            profile(version: "0.1.0", build: "b1", at: 1, counters: [1, 1, 1]),
            profile(board: "pico-7", unit: "cycles", version: "0.1.0", build: "b1", at: 2, counters: [2, 2, 2]),
            profile(model: "dscnn_int8", version: "0.1.0", build: "b1", at: 3, counters: [3, 3, 3]),
        ])
        XCTAssertEqual(histories.map { "\($0.modelName)@\($0.boardID):\($0.counterUnit)" },
                       ["dscnn_int8@qemu-mps2-an385:instructions", "lenet_int8@pico-7:cycles",
                        "lenet_int8@qemu-mps2-an385:instructions"])
        XCTAssertTrue(histories.allSatisfy { $0.entries.count == 1 && $0.lastOperatorChanges.isEmpty })
    }

    func testAChangedGraphIsNotReportedAsOperatorChanges() {
        let history = ProfileHistory.histories(of: [
            profile(version: "0.1.0", build: "b1", at: 1, counters: [10, 10, 10]),
            profile(version: "0.1.0", build: "b2", at: 2, counters: [10, 10, 10],
                    names: ["CONV_2D", "MAX_POOL_2D", "FULLY_CONNECTED"]),
        ])[0]
        XCTAssertEqual(history.entries.count, 2)
        XCTAssertEqual(history.lastOperatorChanges, [])
    }

    func testLoadReadsTheStore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-ph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try ResultStore(path: directory.appendingPathComponent("r.sqlite").path)
        try store.record(profile(version: "0.1.0", build: "b1", at: 1, counters: [5, 5, 5]))
        try store.record(profile(version: "0.1.1", build: "b2", at: 2, counters: [4, 5, 5]))
        let loaded = try ProfileHistory.load(from: store, model: "lenet_int8")
        XCTAssertEqual(loaded.map { $0.entries.map(\.totalCounter) }, [[115, 114]])
    }
}
