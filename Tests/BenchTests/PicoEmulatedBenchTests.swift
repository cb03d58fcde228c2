@testable import Bench
import DeviceLink
import Foundation
import Inference
import PowerMeter
import TinyHILTestSupport
import XCTest

/// `--bench pico-emulated` end to end: the resolver builds the Pico firmware, starts the emulator and the outputs of
/// two DS-CNN samples equal TensorFlow Lite Micro's (fixtures/models/dscnn_int8.tflm_outputs.npy, an independent
/// reference); the board reports CPU cycles, not instructions.
final class PicoEmulatedBenchTests: XCTestCase {
    func testInferenceThroughTheResolverIsBitIdenticalToTFLM() async throws {
        let configuration = try BenchConfiguration.resolve("pico-emulated")
        let directory = Fixtures.root.appendingPathComponent("models")
        let inputs = try NumPyArray(contentsOf: directory.appendingPathComponent("dscnn_int8.inputs.npy"))
        let reference = try NumPyArray(contentsOf: directory.appendingPathComponent("dscnn_int8.tflm_outputs.npy"))
        let samples = 2
        let inputBytes = inputs.bytes.count / inputs.shape[0] * samples
        let firstInputs = try NumPyArray(elementType: inputs.elementType, shape: [samples] + inputs.shape.dropFirst(),
                                         bytes: Array(inputs.bytes[..<inputBytes]))
        let (outputs, counterUnit) = try await configuration.withBoard { board in
            let outputs = try await DeviceInference.run(
                modelBytes: try Fixtures.modelBytes("dscnn_int8"), batches: [firstInputs], on: board.device)
            return (outputs, "\(try await board.facts().counterUnit)")
        }
        let referenceBytes = reference.bytes.count / reference.shape[0] * samples
        XCTAssertEqual(outputs.shape, [samples] + reference.shape.dropFirst())
        XCTAssertEqual(outputs.bytes, Array(reference.bytes[..<referenceBytes]))
        XCTAssertTrue(counterUnit.lowercased().contains("cycle"), counterUnit)
    }

    /// Without the emulator's Python the bench fails with the typed error that names the fix.
    func testMissingEmulatorIsATypedErrorNamingTheFix() async throws {
        do {
            let board = try await EmulatedPico.start(python: "/nonexistent/python")
            await board.close()
            XCTFail("started without a Python")
        } catch let error as EmulatedPicoError {
            XCTAssertTrue("\(error)".contains("TINYHIL_PYTHON"), "\(error)")
        }
    }

    /// The emulated Pico's energy comes from its GP22 marker, as a PPK2 would see it: per window, the cycles between
    /// the rising and the falling edge in the emulator's edge file ÷ 125 MHz × 115 mW (the Pico study's busy power),
    /// ÷ inferences per window — computed here by hand from the edge file, to within one 10 µs meter sample. The
    /// meter's name says so and carries no instruction CPI.
    func testEnergyFollowsTheGP22EdgesAtTheCPUClock() async throws {
        let model = try ModelUnderTest(contentsOf: Fixtures.model("dscnn_int8"))
        let perWindow = 1
        let (measurement, edges, meterID) = try await Bench.with(.emulatedPico(seed: 3, imperfections: .none)) { bench in
            let measurement = try await bench.measure(model, windows: 5, inferencesPerWindow: perWindow, warmUpWindows: 1)
            let pico = try XCTUnwrap(bench.board as? EmulatedPico)
            return (measurement, pico.markerEdges(), await bench.meter.identity.id)
        }
        XCTAssertTrue(meterID.contains("gp22-cycles@125MHz"), meterID)
        XCTAssertFalse(meterID.contains("cpi"), meterID)
        XCTAssertEqual(measurement.provenance.meterID, meterID)
        // High pulses in the edge file, in order; the recorded windows are the last five.
        var pulses: [UInt64] = []
        var rise: UInt64?
        for edge in edges {
            if edge.high { rise = edge.cycle } else if let start = rise { pulses.append(edge.cycle - start); rise = nil }
        }
        XCTAssertGreaterThanOrEqual(pulses.count, 6, "warm-up and five recorded windows")
        let recorded = Array(pulses.suffix(5))
        let busyWatts = 0.115, clockHertz = 125e6, sampleSeconds = 10e-6
        let expected = recorded.map { busyWatts * Double($0) / clockHertz / Double(perWindow) }
        let measured = measurement.energyPerInference.values.map(\.value)
        XCTAssertEqual(measured.count, 5)
        for (value, hand) in zip(measured, expected) {
            XCTAssertEqual(value, hand, accuracy: busyWatts * sampleSeconds, "measured \(value) J, by hand \(hand) J")
        }
        let latency = measurement.latencyPerInference.median.value
        let handLatency = Double(recorded.sorted()[2]) / clockHertz / Double(perWindow)
        XCTAssertEqual(latency, handLatency, accuracy: sampleSeconds)
        // A DS-CNN inference is millions of cycles: the one-sample tolerance is below 0.1 %.
        XCTAssertGreaterThan(Double(recorded[0]), 1e6)
    }

    /// With a meter sampling once per CPU cycle (8 ns) the windows resolve single cycles: each window's energy is the
    /// GP22 pulse's cycles × 8 ns × 115 mW exactly (to one sample), which differs from the board's own SysTick count
    /// (the marker also spans the code that raises and lowers it): the energy follows the marker, not the counter.
    func testEnergyResolvesTheMarkerNotTheBoardsCounter() async throws {
        let model = try ModelUnderTest(contentsOf: Fixtures.root.appendingPathComponent("ops/conv_relu_int8.tflite"))
        let cycleSeconds = 1 / 125e6
        let meter = SimulatedMeter(configuration: SimulatedMeter.Configuration(
            samplePeriod: Seconds(cycleSeconds), idleGap: .microseconds(2)))
        let pico = try await EmulatedPico.start()
        await meter.watchMarker(of: pico)
        let (measurement, edges) = try await Bench.with(board: pico, meter: meter) { bench in
            (try await bench.measure(model, windows: 5, inferencesPerWindow: 1, warmUpWindows: 1), pico.markerEdges())
        }
        var pulses: [UInt64] = []
        var rise: UInt64?
        for edge in edges {
            if edge.high { rise = edge.cycle } else if let start = rise { pulses.append(edge.cycle - start); rise = nil }
        }
        let recorded = Array(pulses.suffix(5))
        let busyWatts = 0.115
        for (value, cycles) in zip(measurement.energyPerInference.values.map(\.value), recorded) {
            XCTAssertEqual(value, busyWatts * Double(cycles) * cycleSeconds, accuracy: busyWatts * cycleSeconds)
        }
        let counterEnergy = busyWatts * measurement.counterPerInference * cycleSeconds
        let markerEnergy = measurement.energyPerInference.median.value
        XCTAssertNotEqual(Double(recorded[0]), measurement.counterPerInference)
        XCTAssertGreaterThan(abs(markerEnergy - counterEnergy), 5 * busyWatts * cycleSeconds,
                             "pulse \(recorded[0]) cycles vs counter \(measurement.counterPerInference)")
    }
}
