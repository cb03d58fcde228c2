import Bench
import Foundation
import TinyHILTestSupport
import XCTest

/// Regression tracking across firmware versions, shown with two builds of the virtual board's firmware.
final class FirmwareRegressionTests: XCTestCase {
    func testHistoryAndReportShowTwoFirmwareVersions() async throws {
        let storePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-regression-\(UUID().uuidString).sqlite").path
        let store = try ResultStore(path: storePath)
        let model = try ModelUnderTest(contentsOf: Fixtures.model("lenet_channel_pruned_int8"))
        for version in ["1.0.0", "1.1.0"] {
            try await Bench.with(.virtual(seed: 3, firmwareVersion: version)) { bench in
                XCTAssertEqual(bench.facts.firmwareVersion, version, "the board must run the firmware that was built")
                let measurement = try await bench.measure(model, windows: 5, inferencesPerWindow: 2)
                try store.record(measurement.storedResult())
            }
        }
        let histories = try FirmwareHistory.load(from: store, model: "lenet_channel_pruned_int8", metric: .energy)
        let history = try XCTUnwrap(histories.first)
        XCTAssertEqual(history.points.map(\.firmwareVersion), ["1.0.0", "1.1.0"])
        // Same code in both builds: the same instruction counts, so no significant change may be flagged.
        let change = try XCTUnwrap(history.points[1].changeFromPrevious)
        XCTAssertLessThan(abs(change), 0.03)
        XCTAssertFalse(history.points[1].isSignificant)
        let html = try HTMLReport.render(store: store)
        XCTAssertTrue(html.contains(">1.0.0<") && html.contains(">1.1.0<"), "the report must chart both versions")
    }

    func testAnInvalidFirmwareVersionIsRefusedBeforeBuilding() async {
        do {
            _ = try await Bench.open(.virtual(firmwareVersion: "1.0; rm -rf /"))
            XCTFail("a version with shell characters must be refused")
        } catch {
            XCTAssertTrue("\(error)".contains("letters, digits"), "\(error)")
        }
    }
}
