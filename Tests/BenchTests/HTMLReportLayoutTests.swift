import Foundation
import TinyHILTestSupport
import XCTest
import PowerMeter
@testable import Bench

/// The report as a person sees it: round axis ticks, models with equal results still distinguishable, full
/// names, nothing drawn outside its chart. The layout is measured in headless Chromium where it is installed
/// (Debian `chromium`, which ci/install-deps installs); set TINYHIL_REPORT_SCREENSHOT=path.png to keep a picture.
final class HTMLReportLayoutTests: XCTestCase {
    static let longName = "lenet_magnitude_pruned_int8_fine_tuned_two_epochs_sparsity_75_percent"
    static let longVersion = "1.1.0-rc.2+build.20261203.abcdef0"

    func testAxisTicksAreRoundNumbersCoveringTheData() {
        // Hand-computed: span 1662 / 4 = 415.5 → step 500 (nearest of 1, 2, 5 × 10ⁿ); 7640 → 7500, 9302 → 9500.
        let energy = SVGChart.Axis.covering([7640, 9302])
        XCTAssertEqual(energy.ticks.map(energy.label), ["7500", "8000", "8500", "9000", "9500"])
        // 0.0174 / 4 = 0.00435 → 0.005; floor(176.74) · 0.005 = 0.880, ceil(180.22) · 0.005 = 0.905.
        let accuracy = SVGChart.Axis.covering([0.8837, 0.9011])
        XCTAssertEqual(accuracy.ticks.map(accuracy.label), ["0.880", "0.885", "0.890", "0.895", "0.900", "0.905"])
        // One value: ±5 % (4.75…5.25), 0.5 / 4 = 0.125 → 0.1.
        let single = SVGChart.Axis.covering([5, 5])
        XCTAssertEqual(single.ticks.map(single.label), ["4.7", "4.8", "4.9", "5.0", "5.1", "5.2", "5.3"])
        XCTAssertEqual(SVGChart.Axis.covering([]).ticks.first, 0)
    }

    func testMarkersThatWouldCoverEachOtherAreDrawnApart() {
        let drawn = SVGChart.separated([(100, 100), (100, 100), (100.5, 99), (300, 50)])
        for i in 0..<3 {
            for j in (i + 1)..<3 {
                XCTAssertGreaterThanOrEqual(hypot(drawn[i].x - drawn[j].x, drawn[i].y - drawn[j].y), SVGChart.minimumSeparation)
            }
        }
        XCTAssertEqual(drawn[3].x, 300)   // a lone point stays where it is
        XCTAssertEqual(drawn[3].y, 50)
    }

    /// 30 ms at 100 kHz: 5 mA idle, 20 mA in three marker windows, one 35 mA sample, ten lost samples.
    static func sampleTrace() -> Trace {
        var currents = [Double](repeating: 0.005, count: 3000), markers = [Bool](repeating: false, count: 3000)
        for window in [500..<1000, 1500..<2000, 2500..<2900] {
            for i in window { currents[i] = 0.020; markers[i] = true }
        }
        currents[1777] = 0.035
        for i in 1200..<1210 { currents[i] = .nan }
        return Trace(samplePeriod: Seconds(1e-5), supplyVoltage: Volts(3.3), currentsAmperes: currents, markers: markers,
                     lostSampleRanges: [1200..<1210])
    }

    func testTraceChartShadesEachMarkerWindowAndKeepsTheShortestPeak() throws {
        let svg = SVGTraceChart.render(Self.sampleTrace())
        XCTAssertEqual(svg.components(separatedBy: "class=\"window\"").count - 1, 3)
        XCTAssertEqual(svg.components(separatedBy: "class=\"lost\"").count - 1, 1)
        // Current axis 0…40 mA (35 / 4 = 8.75 → step 10): the 35 mA sample is drawn at y = 16 + 200 · (1 − 35/40) = 41.
        let points = try XCTUnwrap(svg.components(separatedBy: "class=\"current\" points=\"").dropFirst().first?
            .components(separatedBy: "\"").first)
        let ys = points.split(separator: " ").compactMap { Double($0.split(separator: ",")[1]) }
        XCTAssertEqual(try XCTUnwrap(ys.min()), 41, accuracy: 0.05)
        XCTAssertTrue(svg.contains(">40</text>") && svg.contains(">30</text>"), "round current ticks")
    }

    func testReportLayoutInChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("Chromium is not installed (Debian: apt-get install chromium; ci/install-deps does)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-report-layout-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = try HTMLReport.render(store: try Self.storeWithCrowdedResults(at: directory.appendingPathComponent("results.sqlite").path))
        XCTAssertFalse(html.contains("<script"), "the report itself stays script-free")

        // The probe runs in the page after layout and writes what it found into the DOM that --dump-dom prints.
        let page = directory.appendingPathComponent("report.html")
        try html.replacingOccurrences(of: "</body>", with: "<script>\(Self.layoutProbe)</script></body>")
            .write(to: page, atomically: true, encoding: .utf8)
        let dom = try Self.chromium(chromium, ["--dump-dom", "--window-size=1100,3400", page.absoluteString], in: directory)
        guard let start = dom.range(of: "<pre id=\"layout\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            return XCTFail("the layout probe did not run in Chromium: \(dom.prefix(500))")
        }
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        let layout = try JSONDecoder().decode(Layout.self, from: Data(json.utf8))
        XCTAssertEqual(layout.charts, 6, "three metric charts, the scatter, a comparison's current trace and a profile")
        XCTAssertEqual(layout.problems, [], "layout problems in Chromium")
        for name in ["lenet_int8", Self.longName, "dscnn_int8"] {
            XCTAssertTrue(layout.legends.contains { $0.hasPrefix(name) || $0.contains("  \(name):") }, "\(name) has no full legend entry")
        }
        XCTAssertTrue(layout.ticks.contains(Self.longVersion), "the long firmware version is written in full")

        let screenshot = ProcessInfo.processInfo.environment["TINYHIL_REPORT_SCREENSHOT"]
            ?? directory.appendingPathComponent("report.png").path
        let plain = directory.appendingPathComponent("plain.html")
        try html.write(to: plain, atomically: true, encoding: .utf8)
        _ = try Self.chromium(chromium, ["--screenshot=\(screenshot)", "--window-size=1100,3400", plain.absoluteString], in: directory)
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        XCTAssertGreaterThan(size, 10_000, "Chromium wrote no screenshot to \(screenshot)")
    }

    // MARK: - Helpers

    struct Layout: Decodable {
        var charts: Int
        var problems: [String]
        var legends: [String]
        var ticks: [String]
    }

    /// Finds text outside its chart, text over text, and markers over markers; lists legend entries and tick labels.
    static let layoutProbe = """
        const problems = [], legends = [], ticks = [];
        const charts = [...document.querySelectorAll('svg')];
        const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
            && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
        charts.forEach((svg, c) => {
          const box = svg.getBoundingClientRect();
          const texts = [...svg.querySelectorAll('text')].map(t => ({t, r: t.getBoundingClientRect()}));
          texts.forEach(({t, r}) => {
            if (t.classList.contains('legend')) legends.push(t.textContent); else ticks.push(t.textContent);
            if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
              problems.push(`chart ${c}: text "${t.textContent}" leaves the chart`);
          });
          texts.forEach((a, i) => texts.slice(i + 1).forEach(b => {
            if (overlap(a.r, b.r)) problems.push(`chart ${c}: text "${a.t.textContent}" overlaps "${b.t.textContent}"`);
          }));
          const markers = [...svg.querySelectorAll('.marker')].map(m => ({m, r: m.getBoundingClientRect()}));
          markers.forEach((a, i) => markers.slice(i + 1).forEach(b => {
            if (overlap(a.r, b.r)) problems.push(`chart ${c}: marker "${a.m.textContent}" overlaps "${b.m.textContent}"`);
          }));
        });
        const page = document.body.getBoundingClientRect();
        document.querySelectorAll('table, figure').forEach((element, i) => {
          if (element.getBoundingClientRect().right > page.right + 0.5) problems.push(`${element.tagName} ${i} is wider than the page`);
        });
        const pre = document.createElement('pre');
        pre.id = 'layout';
        pre.textContent = JSON.stringify({charts: charts.length, problems, legends, ticks});
        document.body.appendChild(pre);
        """

    /// Three models over two firmware versions; two LeNets with identical energy, latency and accuracy (their
    /// markers would coincide), one with a long name, one version with a long name; one comparison with its trace; one
    /// operator profile.
    static func storeWithCrowdedResults(at path: String) throws -> ResultStore {
        let store = try ResultStore(path: path)
        var time = 0.0
        for (version, scale) in [("1.0.0", 1.0), (longVersion, 0.92)] {
            for (model, energy, accuracy) in [("lenet_int8", 9302.0, 0.8837), (longName, 9302.0, 0.8837), ("dscnn_int8", 7640.0, 0.7958)] {
                time += 1
                try store.record(StoredResult(
                    recordedAt: Date(timeIntervalSince1970: time), kind: .measurement, modelName: model, modelSHA256: "h",
                    boardID: "b", meterID: "m", firmwareVersion: version, firmwareBuildID: "id-\(version)", harnessVersion: "0.1.0",
                    energyMicrojoulesMedian: energy * scale, energyMicrojoulesCILow: energy * scale * 0.99,
                    energyMicrojoulesCIHigh: energy * scale * 1.01, windowEnergiesMicrojoules: [energy * scale],
                    latencyMicrosecondsMedian: energy * scale / 2))
                var result = StoredResult(
                    recordedAt: Date(timeIntervalSince1970: time + 0.5), kind: .accuracy, modelName: model, modelSHA256: "h",
                    boardID: "b", meterID: "m", firmwareVersion: version, firmwareBuildID: "id-\(version)", harnessVersion: "0.1.0")
                result.accuracy = accuracy
                result.accuracySamples = 1000
                try store.record(result)
            }
        }
        let tracePath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("comparison.csv").path
        try GenericTraceCSV.write(sampleTrace()).write(toFile: tracePath, atomically: true, encoding: .utf8)
        try store.record(StoredResult(
            recordedAt: Date(timeIntervalSince1970: time + 1), kind: .comparison, modelName: longName, modelSHA256: "h",
            boardID: "b", meterID: "m", firmwareVersion: longVersion, firmwareBuildID: "id", harnessVersion: "0.1.0",
            baselineModelName: "lenet_int8", baselineModelSHA256: "h", ratioMedian: 1, tracePath: tracePath))
        // A profile with the longest operator names and a count that needs its thousands separators.
        try store.record(StoredProfile(
            recordedAt: Date(timeIntervalSince1970: time + 2), modelName: longName, modelSHA256: "h", boardID: "b",
            firmwareVersion: longVersion, firmwareBuildID: "id", harnessVersion: "0.1.0", counterUnit: "instructions",
            totalCounter: 2_345_678_901, operators: [
                .init(index: 0, name: "CONV_2D", counter: 2_000_000_000),
                .init(index: 1, name: "DEPTHWISE_CONV_2D", counter: 300_000_000),
                .init(index: 2, name: "AVERAGE_POOL_2D", counter: 4),
                .init(index: 3, name: "FULLY_CONNECTED", counter: 45_678_000),
                .init(index: 4, name: "SOFTMAX", counter: 0),
            ]))
        return store
    }

    /// Runs headless Chromium (as root it needs --no-sandbox) with a 90 s limit; returns its standard output.
    static func chromium(_ executable: String, _ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["90", executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(directory.appendingPathComponent("profile").path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitForExit()
        XCTAssertEqual(process.terminationStatus, 0, "chromium \(arguments.first ?? "") exited with \(process.terminationStatus)")
        return text
    }
}
