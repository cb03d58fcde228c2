import Foundation
import XCTest
@testable import Bench

final class FirmwareHistoryTests: XCTestCase {
    private func energy(_ version: String, _ median: Double, low: Double, high: Double, at seconds: Double,
                        model: String = "lenet") -> StoredResult {
        StoredResult(
            recordedAt: Date(timeIntervalSince1970: seconds), kind: .measurement, modelName: model,
            modelSHA256: "h", boardID: "b", meterID: "m", firmwareVersion: version, firmwareBuildID: "id-\(version)",
            harnessVersion: "0.1.0", energyMicrojoulesMedian: median, energyMicrojoulesCILow: low,
            energyMicrojoulesCIHigh: high, windowEnergiesMicrojoules: [median])
    }

    func testChangesAreRelativeToThePreviousVersionAndFlaggedOnlyWhenIntervalsSeparate() {
        let history = FirmwareHistory(modelName: "lenet", metric: .energy, results: [
            energy("1.0.0", 100, low: 99, high: 101, at: 1),
            energy("1.1.0", 100.5, low: 99.5, high: 101.5, at: 2),   // overlapping: not significant
            energy("1.2.0", 90, low: 89, high: 91, at: 3),           // separated and -10.4 %: significant
            energy("1.3.0", 90.5, low: 90.45, high: 90.55, at: 4),   // separated but +0.56 % < 1 %: not significant
        ])
        XCTAssertEqual(history.points.map(\.firmwareVersion), ["1.0.0", "1.1.0", "1.2.0", "1.3.0"])
        XCTAssertNil(history.points[0].changeFromPrevious)
        XCTAssertEqual(history.points[1].changeFromPrevious!, 0.005, accuracy: 1e-12)
        XCTAssertFalse(history.points[1].isSignificant)
        XCTAssertEqual(history.points[2].changeFromPrevious!, (90 - 100.5) / 100.5, accuracy: 1e-12)
        XCTAssertTrue(history.points[2].isSignificant)
        XCTAssertFalse(history.points[3].isSignificant)
    }

    func testTheLatestResultOfAVersionRepresentsIt() {
        let history = FirmwareHistory(modelName: "lenet", metric: .energy, results: [
            energy("1.0.0", 100, low: 99, high: 101, at: 1),
            energy("1.0.0", 80, low: 79, high: 81, at: 5),
            energy("1.1.0", 70, low: 69, high: 71, at: 3),
        ])
        // Versions are ordered by first appearance; 1.0.0 is represented by its latest run (80 µJ).
        XCTAssertEqual(history.points.map(\.firmwareVersion), ["1.0.0", "1.1.0"])
        XCTAssertEqual(history.points[0].value, 80)
    }

    func testWilsonIntervalMatchesHandComputation() {
        // 90 % of 1000, z = 1.959964, z² = 3.841459: denominator 1.0038415, centre 0.9019207/1.0038415 = 0.898469,
        // half-width z·sqrt(0.09/1000 + z²/4e6)/1.0038415 = 1.959964·0.0095373/1.0038415 = 0.018621 → [0.87985, 0.91709].
        let interval = Metric.wilsonInterval(accuracy: 0.9, samples: 1000)
        XCTAssertEqual(interval.low, 0.87985, accuracy: 2e-5)
        XCTAssertEqual(interval.high, 0.91709, accuracy: 2e-5)
    }

    func testReportIsSelfContainedAndShowsEveryVersion() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-report-\(UUID()).sqlite").path
        let store = try ResultStore(path: path)
        try store.record(energy("1.0.0", 100, low: 99, high: 101, at: 1))
        try store.record(energy("1.1.0", 90, low: 89, high: 91, at: 2))
        var accuracy = energy("1.1.0", 0, low: 0, high: 0, at: 3)
        accuracy.kind = .accuracy
        accuracy.energyMicrojoulesMedian = nil
        accuracy.accuracy = 0.88
        accuracy.accuracySamples = 1000
        try store.record(accuracy)
        let html = try HTMLReport.render(store: store)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertTrue(html.contains(">1.0.0<") && html.contains(">1.1.0<"))
        XCTAssertTrue(html.contains("Accuracy against energy"))
        XCTAssertFalse(html.contains("No model has both"), "lenet has energy and accuracy: the scatter must be drawn")
        // Nothing is fetched from the network: no scripts, no external URLs except the SVG namespace.
        XCTAssertFalse(html.contains("<script"))
        let urls = html.components(separatedBy: "http").dropFirst().filter { !$0.hasPrefix("://www.w3.org/2000/svg") }
        XCTAssertEqual(urls.count, 0)
    }
}
