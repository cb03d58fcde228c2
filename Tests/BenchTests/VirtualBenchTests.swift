@testable import Bench
import Foundation
import Inference
import PowerMeter
import TinyHILTestSupport
import XCTest

/// The Bench end to end on the virtual board (firmware under QEMU) with the simulated meter.
final class VirtualBenchTests: XCTestCase {
    private func withVirtualBench<T: Sendable>(
        imperfections: SimulatedImperfections = .none, _ body: (Bench) async throws -> T
    ) async throws -> T {
        try await Bench.with(.virtual(seed: 7, imperfections: imperfections), body)
    }

    /// Without noise, energy per inference must equal the power model in closed form:
    /// E = P_busy × (instructions × cycles-per-instruction ÷ f_clock), with the instruction count the board reported.
    func testEnergyPerInferenceMatchesThePowerModelInClosedForm() async throws {
        let model = try ModelUnderTest(contentsOf: Fixtures.model("lenet_int8"))
        let measurement = try await withVirtualBench { bench in
            try await bench.measure(model, windows: 5, inferencesPerWindow: 2, warmUpWindows: 0)
        }
        let power = PicoPowerModel.picoStudy
        let seconds = measurement.counterPerInference * power.cyclesPerInstruction / power.clockHertz
        let expectedJoules = power.busyPower.value * seconds
        let measured = measurement.energyPerInference.median.value
        XCTAssertEqual(measured, expectedJoules, accuracy: expectedJoules * 0.005,
                       "integrated \(measured) J vs closed form \(expectedJoules) J")
        XCTAssertEqual(measurement.latencyPerInference.median.value, seconds, accuracy: seconds * 0.005)
        XCTAssertEqual(measurement.windows, 5)
        XCTAssertEqual(measurement.provenance.counterUnit.storeName, "instructions")
        XCTAssertGreaterThan(measurement.arenaBytes, 0)
        // Dense int8 kernels take the same path for every input: all windows report the same count.
        XCTAssertEqual(Set(measurement.energyPerInference.values).count <= 2, true)
    }

    /// The channel-pruned LeNet does fewer MACs; its energy ratio must follow the instruction counts the board
    /// reported, and the interval must contain the median.
    func testComparisonRatioFollowsTheBoardsInstructionCounts() async throws {
        let baseline = try ModelUnderTest(contentsOf: Fixtures.model("lenet_int8"))
        let pruned = try ModelUnderTest(contentsOf: Fixtures.model("lenet_channel_pruned_int8"))
        let comparison = try await withVirtualBench(imperfections: SimulatedImperfections(sampleNoise: 0.02, windowNoise: 0.01)) { bench in
            try await bench.compare(baseline: baseline, candidate: pruned, pairs: 6, inferencesPerWindow: 2, windowsPerSwitch: 3)
        }
        let counterRatio = comparison.candidate.counterPerInference / comparison.baseline.counterPerInference
        let ratio = comparison.energyRatio
        XCTAssertEqual(ratio.median.value, counterRatio, accuracy: 0.03)
        XCTAssertLessThanOrEqual(ratio.lower.value, ratio.median.value)
        XCTAssertGreaterThanOrEqual(ratio.upper.value, ratio.median.value)
        XCTAssertLessThan(ratio.upper.value, 1, "the pruned model must be cheaper")
        XCTAssertEqual(comparison.storedResult().kind, .comparison)
    }

    /// `tinyhil infer --bench virtual` path: the board's batch outputs in the host engine's .npy form, bit for bit.
    func testDeviceInferenceMatchesTheHostEngineBitForBit() async throws {
        let fixture = try OracleFixture("lenet_int8")
        let bytes = fixture.modelBytes
        let inputs = try fixture.inputs[0].rows(0..<8)
        let host = try await EngineModel(bytes: bytes).run(batch: inputs)
        let board = try await withVirtualBench { bench in
            try await DeviceInference.run(modelBytes: bytes, batches: [inputs], on: bench.device)
        }
        XCTAssertEqual(board, host)
        XCTAssertEqual(board.shape, [8, 10])
    }

    func testTooFewWindowsIsATypedError() async throws {
        let model = try ModelUnderTest(contentsOf: Fixtures.model("lenet_int8"))
        try await withVirtualBench { bench in
            do {
                _ = try await bench.measure(model, windows: 2)
                XCTFail("two windows cannot give an interval")
            } catch let error as BenchError {
                XCTAssertTrue(error.description.contains("at least 5 windows"), error.description)
            }
        }
    }

    func testInterleavedScheduleAlternatesBlocks() {
        XCTAssertEqual(InterleavedComparison(pairs: 4, windowsPerSwitch: 2).schedule,
                       [.baseline, .baseline, .candidate, .candidate, .baseline, .baseline, .candidate, .candidate])
        XCTAssertEqual(InterleavedComparison(pairs: 3, windowsPerSwitch: 1).schedule,
                       [.baseline, .candidate, .baseline, .candidate, .baseline, .candidate])
        XCTAssertEqual(InterleavedComparison(pairs: 3, windowsPerSwitch: 2).schedule,
                       [.baseline, .baseline, .candidate, .candidate, .baseline, .candidate])
    }
}

final class BenchConfigurationTests: XCTestCase {
    func testParsesAHardwareBenchFile() throws {
        let configuration = try BenchConfiguration.parse("""
            # bench in lab 2
            board: serial:E6614103E7452D2F
            board_id: pico-1
            meter: ppk2:/dev/ttyACM1
            supply_volts: 3.3
            marker_pin: 2
            """, path: "bench.yml")
        XCTAssertEqual(configuration.board.description, "serial:E6614103E7452D2F")
        XCTAssertEqual(configuration.boardID, "pico-1")
        guard case let .ppk2(endpoint, ppk2) = configuration.meter else { return XCTFail("expected a PPK2") }
        XCTAssertEqual(endpoint.description, "/dev/ttyACM1")
        XCTAssertEqual(ppk2.markerPin, 2)
    }

    func testReportsTheLineOfABadValue() {
        XCTAssertThrowsError(try BenchConfiguration.parse("board: virtual\nsupply_volts: three\n", path: "b.yml")) { error in
            XCTAssertEqual("\(error)", "bench configuration b.yml:2, key 'supply_volts': must be a number, found 'three'")
        }
        XCTAssertThrowsError(try BenchConfiguration.parse("bord: virtual\n", path: "b.yml")) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'bord'"), "\(error)")
        }
        XCTAssertThrowsError(try BenchConfiguration.parse("meter: simulated\n", path: "b.yml")) { error in
            XCTAssertTrue("\(error)".contains("'board' is missing"), "\(error)")
        }
    }

    /// `--bench pico-emulated` names the emulated Pico, on the command line as in a file; an unknown name is a typed
    /// configuration error that lists the accepted forms.
    func testPicoEmulatedResolvesAndUnknownNamesAreRefused() throws {
        let resolved = try BenchConfiguration.resolve("pico-emulated")
        XCTAssertEqual(resolved.board, .emulatedPico)
        XCTAssertEqual(resolved.boardID, "emulated-rp2040-pico")
        XCTAssertEqual(try BenchConfiguration.parse("board: pico-emulated\n", path: "b.yml").board, .emulatedPico)
        XCTAssertThrowsError(try BenchConfiguration.resolve("pico-imaginary")) { error in
            guard case let .configuration(_, _, reason)? = error as? BenchError else {
                return XCTFail("expected a configuration error, got \(error)")
            }
            XCTAssertTrue(reason.contains("pico-emulated"), reason)
        }
        XCTAssertEqual(try BenchConfiguration.resolve("virtual").board, .virtual)
        XCTAssertEqual(try BenchConfiguration.resolve("tcp://bench-pi:4000").board, .tcp(host: "bench-pi", port: 4000))
    }

    func testEnvironmentNamesHardwareOnlyWhenAsked() throws {
        XCTAssertNil(try BenchConfiguration.fromEnvironment([:]))
        let configuration = try XCTUnwrap(BenchConfiguration.fromEnvironment(["TINYHIL_PORT": "/dev/ttyACM0"]))
        XCTAssertEqual(configuration.board.description, "/dev/ttyACM0")
    }
}

/// Switching models by SELECT between two slots gives the virtual board exactly what re-uploading gives it.
final class SlotSwitchingVirtualBenchTests: XCTestCase {
    /// Two int8 models with the same 8×8×3 input: a ReLU and a ReLU6 convolution (small, so re-uploading is quick).
    /// Strict alternation both ways; without meter noise the instruction counts agree exactly, the
    /// slot path uploads twice and the upload path once per switch; energies (integrated from the meter's trace) agree
    /// within 0.5 %; afterwards each slot's outputs equal those of a
    /// fresh upload of the same model, bit for bit.
    func testSelectingSlotsEqualsReuploadingWithTwoUploads() async throws {
        let baseline = try ModelUnderTest(contentsOf: Fixtures.root.appendingPathComponent("ops/conv_relu_int8.tflite"))
        let candidate = try ModelUnderTest(contentsOf: Fixtures.root.appendingPathComponent("ops/conv_relu6_int8.tflite"))
        try await Bench.with(.virtual(seed: 5, imperfections: .none)) { bench in
            XCTAssertEqual(bench.facts.slotCount, 2)
            let before = await bench.device.statistics.modelUploads
            let bySlots = try await bench.compare(baseline: baseline, candidate: candidate, pairs: 5, inferencesPerWindow: 2,
                                                  windowsPerSwitch: 1, switching: .selectSlot)
            let slotUploads = await bench.device.statistics.modelUploads - before
            let byUploads = try await bench.compare(baseline: baseline, candidate: candidate, pairs: 5, inferencesPerWindow: 2,
                                                    windowsPerSwitch: 1, switching: .upload)
            let reUploads = await bench.device.statistics.modelUploads - before - slotUploads
            XCTAssertEqual(slotUploads, 2)
            XCTAssertGreaterThanOrEqual(reUploads, 10, "one upload per switch on the upload path")
            XCTAssertEqual(bySlots.baseline.counterPerInference, byUploads.baseline.counterPerInference)
            XCTAssertEqual(bySlots.candidate.counterPerInference, byUploads.candidate.counterPerInference)
            XCTAssertNotEqual(bySlots.baseline.counterPerInference, bySlots.candidate.counterPerInference,
                              "the two models must differ, or the comparison shows nothing")
            for (slots, uploads) in [(bySlots.baseline, byUploads.baseline), (bySlots.candidate, byUploads.candidate)] {
                let expected = uploads.energyPerInference.median.value
                XCTAssertEqual(slots.energyPerInference.median.value, expected, accuracy: expected * 0.005)
            }

            let input = Bench.referenceInput(bytes: 8 * 8 * 3)
            _ = try await bench.device.load(baseline.bytes, slot: 0)
            _ = try await bench.device.load(candidate.bytes, slot: 1)
            _ = try await bench.device.select(slot: 0)
            let slotBaseline = try await bench.device.infer(input).output
            _ = try await bench.device.select(slot: 1)
            let slotCandidate = try await bench.device.infer(input).output
            _ = try await bench.device.load(baseline.bytes)
            let freshBaseline = try await bench.device.infer(input).output
            _ = try await bench.device.load(candidate.bytes)
            let freshCandidate = try await bench.device.infer(input).output
            XCTAssertEqual(slotBaseline, freshBaseline)
            XCTAssertEqual(slotCandidate, freshCandidate)
            XCTAssertNotEqual(slotBaseline, slotCandidate, "ReLU and ReLU6 differ on this input")
        }
    }
}
