import PowerMeter
import XCTest

final class TraceCSVTests: XCTestCase {
    /// Six samples at 500 kHz in the Pico study's format (1 Ω shunt, 3.3 V, trigger high above 2 V).
    let picoText = """
        time_S,signal_V,trigger_V
        0.000000,0.0200,0.01
        0.000002,0.0300,3.29
        0.000004,0.0350,3.30
        0.000006,0.0340,3.28
        0.000008,0.0210,0.02
        0.000010,0.0200,0.00

        """

    func testReadsThePicoStudyFormat() throws {
        let trace = try PicoStudyCSV().read(picoText)
        XCTAssertEqual(trace.sampleCount, 6)
        XCTAssertEqual(trace.samplePeriod.value, 2e-6, accuracy: 1e-15)
        XCTAssertEqual(trace.supplyVoltage, Volts(3.3))
        XCTAssertEqual(trace.currentsAmperes, [0.02, 0.03, 0.035, 0.034, 0.021, 0.02])
        XCTAssertEqual(trace.markers, [false, true, true, true, false, false])
        // Window = samples 1…3: 3.3 V · 2 µs · (0.030 + 0.035 + 0.034) A = 0.6534 µJ.
        let report = try EnergyAnalysis(.init(expectedWindowCount: 1)).analyse(trace)
        XCTAssertEqual(report.windows[0].grossEnergy.microjoules, 0.6534, accuracy: 1e-9)
    }

    func testPicoFormatRoundTripsThroughBothFormats() throws {
        let original = try PicoStudyCSV().read(picoText)
        let viaPico = try PicoStudyCSV().read(PicoStudyCSV().write(original))
        assertSame(viaPico, original)
        let generic = GenericTraceCSV.write(original)
        XCTAssertTrue(generic.hasPrefix("# supply_voltage_v: 3.3\ntime_s,current_a,marker\n"))
        assertSame(try GenericTraceCSV.read(generic), original)
    }

    func testGenericFormatKeepsLostSamples() throws {
        let text = """
            # supply_voltage_v: 1.8
            time,current,marker
            0.0,0.001,0
            0.00001,,0
            0.00002,,1
            0.00003,0.002,1
            """
        let trace = try GenericTraceCSV.read(text)
        XCTAssertEqual(trace.supplyVoltage, Volts(1.8))
        XCTAssertEqual(trace.lostSampleRanges, [1..<3])
        XCTAssertTrue(trace.currentsAmperes[1].isNaN)
        assertSame(try GenericTraceCSV.read(GenericTraceCSV.write(trace)), trace)
        XCTAssertEqual(try GenericTraceCSV.read(text, supply: Volts(3.0)).supplyVoltage, Volts(3.0))
    }

    func testMalformedFilesSayLineAndColumn() {
        func error(_ text: String, _ read: (String) throws -> Trace) -> TraceFileError? {
            do { _ = try read(text); return nil } catch { return error as? TraceFileError }
        }
        let pico = { (text: String) throws -> Trace in try PicoStudyCSV().read(text) }
        let generic = { (text: String) throws -> Trace in try GenericTraceCSV.read(text, supply: Volts(3.3)) }

        XCTAssertEqual(error("", pico), .empty)
        XCTAssertEqual(error("time,signal,trigger\n0,0,0\n", pico),
                       .unexpectedHeader(line: 1, expected: "time_S,signal_V,trigger_V", found: "time,signal,trigger"))
        XCTAssertEqual(error("time_S,signal_V,trigger_V\n0,0.02,0\n0.000002,abc,0\n", pico),
                       .notANumber(line: 3, column: 2, name: "signal_V", text: "abc"))
        XCTAssertEqual(error("time_S,signal_V,trigger_V\n0,0.02,0\n0.000002,0.02\n", pico),
                       .wrongColumnCount(line: 3, expected: 3, found: 2))
        XCTAssertEqual(error("time_S,signal_V,trigger_V\n0,0.02,0\n", pico), .tooFewSamples(found: 1))
        // Evenly spread over 10 µs, the second sample should be near 3.33 µs; 2 µs is more than a quarter period off.
        guard case let .nonUniformTime(line, _, found)? =
            error("time_S,signal_V,trigger_V\n0,0.02,0\n0.000002,0.02,0\n0.000009,0.02,0\n0.000010,0.02,0\n", pico)
        else { return XCTFail("uneven time stamps accepted") }
        XCTAssertEqual(line, 3)
        XCTAssertEqual(found, 0.000002)
        XCTAssertEqual(error("time_s,current_a,marker\n0,0.01,0\n0.1,0.01,2\n", generic),
                       .invalidMarker(line: 3, column: 3, text: "2"))
        XCTAssertEqual(error("time_s,current_a,marker\n0,0.01,0\n0.1,1e400,1\n", generic),
                       .notANumber(line: 3, column: 2, name: "current", text: "1e400"))
        do {
            _ = try GenericTraceCSV.read("time_s,current_a,marker\n0,0.01,0\n0.1,0.01,1\n")
            XCTFail("read without a voltage")
        } catch {
            XCTAssertEqual(error, .missingSupplyVoltage)
        }
    }

    private func assertSame(_ a: Trace, _ b: Trace, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.sampleCount, b.sampleCount, file: file, line: line)
        XCTAssertEqual(a.samplePeriod.value, b.samplePeriod.value, accuracy: b.samplePeriod.value * 1e-9, file: file, line: line)
        XCTAssertEqual(a.startTime.value, b.startTime.value, accuracy: 1e-15, file: file, line: line)
        XCTAssertEqual(a.supplyVoltage, b.supplyVoltage, file: file, line: line)
        XCTAssertEqual(a.markers, b.markers, file: file, line: line)
        XCTAssertEqual(a.lostSampleRanges, b.lostSampleRanges, file: file, line: line)
        for (x, y) in zip(a.currentsAmperes, b.currentsAmperes) {
            if y.isNaN { XCTAssertTrue(x.isNaN, file: file, line: line) } else { XCTAssertEqual(x, y, accuracy: abs(y) * 1e-12, file: file, line: line) }
        }
    }
}
