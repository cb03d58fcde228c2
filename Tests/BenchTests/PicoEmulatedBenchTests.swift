@testable import Bench
import DeviceLink
import Foundation
import Inference
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
}
