import DeviceLink
import Foundation
import GRDB
import TinyHILTestSupport
import XCTest
@testable import Bench

/// Operator profiles in the result store (migration "v2: operator profiles"), a store written before that migration,
/// and the profile bars of the report.
final class OperatorProfileStoreTests: XCTestCase {
    private func temporaryStorePath() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-profile-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory.appendingPathComponent("results.sqlite").path
    }

    /// Builtin codes 3 (CONV_2D), 4 (DEPTHWISE_CONV_2D), 9 (FULLY_CONNECTED) — the TFLite schema's numbers.
    static func profile(model: String = "dscnn_int8", board: String = "pico-bench-1", at seconds: Double = 0,
                        counters: [UInt64] = [600, 300, 100]) -> StoredProfile {
        let reply = ProfileReply(operators: zip([Int32(3), 4, 9], counters).map { OperatorCount(builtinCode: $0, counter: $1) },
                                 totalCounter: counters.reduce(0, +) + 25)
        let facts = HelloReply(
            counterUnit: .cpuCycles, maxPayloadBytes: 1024, maxOutstanding: 1, flags: 0, cpuHz: 125_000_000,
            ramBytes: 264 << 10, modelCapacityBytes: 1 << 20, arenaCapacityBytes: 1 << 16, framesDropped: 0, bootCount: 1,
            firmwareVersion: "1.2.0", buildID: "build-1.2.0", boardName: "rp2040-pico", engineVersion: "0.1.0",
            supportedOperators: [3, 4, 9])
        return StoredProfile(OperatorProfile(reply: reply, unit: .cpuCycles), of: ModelUnderTest(name: model, bytes: [1, 2, 3]),
                             boardID: board, facts: facts, repositoryCommit: "abc1234",
                             recordedAt: Date(timeIntervalSince1970: 1_700_000_000 + seconds))
    }

    func testProfilesReadBackWithOperatorNamesAndUnit() throws {
        let store = try ResultStore(path: try temporaryStorePath())
        let recorded = try store.record(Self.profile())
        XCTAssertNotNil(recorded.id)
        let read = try store.profiles()
        XCTAssertEqual(read, [recorded])
        XCTAssertEqual(read[0].operators.map(\.name), ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"])
        XCTAssertEqual(read[0].operators.map(\.counter), [600, 300, 100])
        XCTAssertEqual(read[0].counterUnit, "cycles")
        XCTAssertEqual(read[0].totalCounter, 1025)
        XCTAssertEqual(read[0].firmwareVersion, "1.2.0")
        // SHA-256 of the bytes 01 02 03 (computed with `printf '\x01\x02\x03' | sha256sum`).
        XCTAssertEqual(read[0].modelSHA256, "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81")
    }

    func testLatestProfilesKeepTheNewestOfEachModelOnEachBoard() throws {
        let store = try ResultStore(path: try temporaryStorePath())
        try store.record(Self.profile(at: 1, counters: [1, 1, 1]))
        try store.record(Self.profile(at: 2, counters: [2, 2, 2]))
        try store.record(Self.profile(board: "pico-bench-2", at: 3, counters: [3, 3, 3]))
        try store.record(Self.profile(model: "lenet_int8", at: 0, counters: [4, 4, 4]))
        let latest = try store.latestProfiles()
        XCTAssertEqual(latest.map { "\($0.modelName)@\($0.boardID):\($0.operators[0].counter)" },
                       ["dscnn_int8@pico-bench-1:2", "dscnn_int8@pico-bench-2:3", "lenet_int8@pico-bench-1:4"])
    }

    /// A store as release 0.1 wrote it (schema v1 as SQLite holds it, one measurement) opens, keeps its row, and
    /// gains the profile table.
    func testAStoreWrittenBeforeProfilesOpensAndKeepsItsResults() throws {
        let path = try temporaryStorePath()
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: Self.version1Schema)
            try db.execute(sql: """
                INSERT INTO "result" (recordedAt, kind, modelName, modelSHA256, boardID, meterID, firmwareVersion,
                  firmwareBuildID, harnessVersion, repositoryCommit, energyMicrojoulesMedian, windowEnergiesMicrojoules,
                  counterPerInference, counterUnit)
                VALUES ('2026-11-30 09:15:00.000', 'measurement', 'lenet_int8', 'ab', 'virtual-mps2-an385', 'simulated',
                  '1.0.0', 'build-1', '0.1.0', 'abc1234', 123.5, '[123.0,124.0]', 3000000, 'instructions')
                """)
        }
        try old.close()

        let store = try ResultStore(path: path)
        let results = try store.results()
        XCTAssertEqual(results.count, 1)
        XCTAssertEqual(results.first?.modelName, "lenet_int8")
        XCTAssertEqual(results.first?.energyMicrojoulesMedian, 123.5)
        XCTAssertEqual(results.first?.windowEnergiesMicrojoules, [123, 124])
        XCTAssertEqual(try store.profiles(), [])
        try store.record(Self.profile())
        XCTAssertEqual(try store.profiles().count, 1)
        XCTAssertEqual(try store.results().count, 1)
    }

    /// Bars: 600, 300, 100 cycles → 540, 270 and 90 px (the largest spans the bar area); shares 60.0, 30.0, 10.0 %.
    func testBarsAreProportionalAndLabelledWithCountAndShare() throws {
        let svg = SVGProfileChart.render(Self.profile())
        let widths = svg.components(separatedBy: "class=\"bar\"").dropFirst().compactMap { part -> Double? in
            guard let range = part.range(of: "width=\"") else { return nil }
            return Double(part[range.upperBound...].prefix { $0 != "\"" })
        }
        XCTAssertEqual(widths, [540, 270, 90])
        for text in [">#0 CONV_2D<", ">#1 DEPTHWISE_CONV_2D<", ">#2 FULLY_CONNECTED<", ">600 (60.0 %)<", ">300 (30.0 %)<", ">100 (10.0 %)<"] {
            XCTAssertTrue(svg.contains(text), text)
        }
        XCTAssertTrue(svg.contains("operators 1,000, whole inference 1,025 cycles"), svg)
        XCTAssertEqual(SVGProfileChart.grouped(1_234_567), "1,234,567")
        XCTAssertEqual(SVGProfileChart.grouped(999), "999")
    }

    func testReportShowsTheLatestProfileUnderItsModelAndBoard() throws {
        let store = try ResultStore(path: try temporaryStorePath())
        XCTAssertFalse(try HTMLReport.render(store: store).contains("Where the time goes"))
        try store.record(Self.profile())
        let html = try HTMLReport.render(store: store)
        XCTAssertTrue(html.contains("Where the time goes"))
        XCTAssertTrue(html.contains("<h3>dscnn_int8 · pico-bench-1 · firmware 1.2.0</h3>"))
        XCTAssertEqual(html.components(separatedBy: "class=\"bar\"").count - 1, 3)
    }

    /// Schema v1 exactly as SQLite stores it (`sqlite3 results.sqlite .schema` on a store of release 0.1).
    static let version1Schema = """
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1: results');
        CREATE TABLE "result" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "recordedAt" DATETIME NOT NULL, "kind" TEXT NOT NULL, "modelName" TEXT NOT NULL, "modelSHA256" TEXT NOT NULL, "boardID" TEXT NOT NULL, "meterID" TEXT NOT NULL, "firmwareVersion" TEXT NOT NULL, "firmwareBuildID" TEXT NOT NULL, "harnessVersion" TEXT NOT NULL, "repositoryCommit" TEXT, "energyMicrojoulesMedian" DOUBLE, "energyMicrojoulesCILow" DOUBLE, "energyMicrojoulesCIHigh" DOUBLE, "windowEnergiesMicrojoules" TEXT NOT NULL, "latencyMicrosecondsMedian" DOUBLE, "counterPerInference" DOUBLE, "counterUnit" TEXT, "arenaBytes" INTEGER, "flashBytes" INTEGER, "accuracy" DOUBLE, "accuracySamples" INTEGER, "hostAgreement" DOUBLE, "baselineModelName" TEXT, "baselineModelSHA256" TEXT, "ratioMedian" DOUBLE, "ratioCILow" DOUBLE, "ratioCIHigh" DOUBLE, "tracePath" TEXT);
        CREATE INDEX "result_by_model_firmware" ON "result"("modelName", "firmwareVersion", "recordedAt");
        """
}
