import DeviceLink
import PowerMeter
import XCTest

/// The PPK2 driver against the simulator, over a Unix socket pair: the same bytes a kit sends on USB.
final class PPK2EndToEndTests: XCTestCase {
    private func run(
        script: PPK2Script, calibration: PPK2Calibration, configuration: PPK2Meter.Configuration
    ) async throws -> (trace: Trace, simulator: PPK2Simulator, error: PowerMeterError?) {
        let (host, instrument) = try SocketPairTransport.makePair()
        let simulator = PPK2Simulator(transport: instrument, calibration: calibration, script: script)
        let serving = Task { await simulator.run() }
        defer { serving.cancel() }
        let meter = try await PPK2Meter.connect(transport: host, configuration: configuration)
        XCTAssertEqual(meter.calibration, calibration)
        try await meter.start()
        // Give the simulator time to receive AVERAGE_START, then wait for the whole script to be written.
        while await !simulator.receivedCommands.contains(.averageStart) { try await Task.sleep(for: .milliseconds(2)) }
        await simulator.waitUntilStreamed()
        var trace = Trace(samplePeriod: .microseconds(10), supplyVoltage: Volts(0), currentsAmperes: [], markers: [])
        var failure: PowerMeterError?
        do { trace = try await meter.stop() } catch { failure = error }
        await host.close()
        await instrument.close()
        await serving.value
        return (trace, simulator, failure)
    }

    func testStreamDecodesCalibratedCurrentsMarkersAndLoss() async throws {
        let calibration = PPK2CalibrationTests.calibration
        let script = PPK2Script(
            segments: [
                .init(samples: 2000, current: .milliamperes(5)),                                // idle, marker low
                .init(samples: 3000, current: .milliamperes(35), logic: 0b0000_0100),           // D2 high
                .init(samples: 1000, current: .microamperes(200), logic: 0b0000_0001),          // D0 only
            ],
            droppedSamples: [500..<520],
            chunkSizes: [1, 3, 7, 4093, 2, 5])
        let (trace, simulator, error) = try await run(
            script: script, calibration: calibration,
            configuration: .init(supply: Volts(3.3), markerPin: 2, spikeFilter: nil))
        XCTAssertNil(error)

        let commands = await simulator.receivedCommands
        XCTAssertEqual(commands, [.averageStop, .getMetadata, .setPowerMode(.sourceMeter), .regulatorSet(millivolts: 3300),
                                  .deviceRunningSet(on: true), .averageStart, .averageStop])
        let powered = await simulator.devicePowered
        XCTAssertTrue(powered)

        XCTAssertEqual(trace.sampleCount, 6000)
        XCTAssertEqual(trace.lostSampleRanges, [500..<520])
        XCTAssertEqual(trace.samplePeriod, .microseconds(10))
        // Each segment's current within one ADC step of the scripted value (ranges chosen by the simulator:
        // 5 mA → range 1 (R = 100 Ω, step 4·1.0986e-5/100 = 0.44 µA); 35 mA → range 2 (step ≈ 4.4 µA at
        // GI = 1.02); 200 µA → range 0 (step 0.044 µA)).
        for index in 0..<2000 where !(500..<520).contains(index) {
            XCTAssertEqual(trace.currentsAmperes[index], 5e-3, accuracy: 0.44e-6)
        }
        for index in 2000..<5000 { XCTAssertEqual(trace.currentsAmperes[index], 35e-3, accuracy: 4.4e-6) }
        for index in 5000..<6000 { XCTAssertEqual(trace.currentsAmperes[index], 200e-6, accuracy: 0.044e-6) }
        XCTAssertEqual(trace.markers.filter { $0 }.count, 3000, "marker = D2 only")

        // The window's energy: 3.3 V · 35 mA · 3000 · 10 µs = 3.465 mJ.
        let report = try EnergyAnalysis(.init(expectedWindowCount: 1)).analyse(trace)
        XCTAssertEqual(report.windows[0].grossEnergy.millijoules, 3.465, accuracy: 3.465 * 1e-3)
    }

    func testTooManyLostSamplesFailsLoudly() async throws {
        let script = PPK2Script(segments: [.init(samples: 2000, current: .milliamperes(10))],
                                droppedSamples: [100..<140, 300..<340], chunkSizes: [997])
        let (_, _, error) = try await run(script: script, calibration: .uncalibrated,
                                          configuration: .init(markerPin: 0, lostSampleLimit: 50))
        XCTAssertEqual(error, .tooManyLostSamples(meter: "PPK2 at socketpair:host", lost: 80, limit: 50))
    }

    func testRangeSwitchesAreSmoothedOnlyAroundTheSwitch() async throws {
        let calibration = PPK2Calibration.uncalibrated
        let script = PPK2Script(segments: [
            .init(samples: 100, current: .milliamperes(1), range: 1),
            .init(samples: 100, current: .milliamperes(20), range: 2),
        ], chunkSizes: [13])
        let (trace, _, error) = try await run(script: script, calibration: calibration,
                                              configuration: .init(markerPin: 0))
        XCTAssertNil(error)
        let low = trace.currentsAmperes[99], high = trace.currentsAmperes[103]
        XCTAssertEqual(low, 1e-3, accuracy: 1e-6)
        XCTAssertEqual(high, 20e-3, accuracy: 1e-5)
        // Samples 100…102 are moving averages (α = 0.18) of the calibrated values; sample 103 is raw again.
        let first = 0.18 * high + 0.82 * low
        XCTAssertEqual(trace.currentsAmperes[100], first, accuracy: 1e-9)
        XCTAssertEqual(trace.currentsAmperes[101], 0.18 * high + 0.82 * first, accuracy: 1e-9)
    }

    func testRejectsVoltageOutsideTheKitsRange() async throws {
        let (host, instrument) = try SocketPairTransport.makePair()
        do {
            _ = try await PPK2Meter.connect(transport: host, configuration: .init(supply: Volts(5.5)))
            XCTFail("5.5 V accepted")
        } catch {
            XCTAssertEqual(error, .settingOutOfRange(meter: "PPK2 at socketpair:host", setting: "supply millivolts",
                                                     value: 5500, allowed: 800...5000))
        }
        await host.close()
        await instrument.close()
    }

    func testNoAnswerTimesOut() async throws {
        let (host, instrument) = try SocketPairTransport.makePair()
        do {
            _ = try await PPK2Meter.connect(transport: host, configuration: .init(responseTimeout: .milliseconds(200)))
            XCTFail("connected to nothing")
        } catch {
            guard case .noResponse(_, "GET_META_DATA", _) = error else { return XCTFail("\(error)") }
        }
        await host.close()
        await instrument.close()
    }
}
