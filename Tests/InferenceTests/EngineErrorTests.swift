import Foundation
import TFLite
import XCTest

@testable import Inference

/// Bad models and bad inputs give typed errors, never a crash.
final class EngineErrorTests: XCTestCase {
    private func lenetBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try FixtureFiles.require("models/lenet_int8.tflite")))
    }

    func testEmptyAndGarbageModelsAreMalformed() {
        for bytes in [[], [UInt8](repeating: 0, count: 64), [UInt8]("definitely not a flatbuffer".utf8)] {
            XCTAssertThrowsError(try EngineModel(bytes: bytes)) { error in
                guard case .modelMalformed = error as? InferenceError else { return XCTFail("\(error)") }
            }
        }
    }

    /// Every truncation of a real model is rejected as malformed (the engine checks every offset and length).
    func testEveryTruncationIsRejected() throws {
        let bytes = try lenetBytes()
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 400)) {
            XCTAssertThrowsError(try EngineModel(bytes: Array(bytes.prefix(length))), "length \(length)") { error in
                XCTAssertTrue(error is InferenceError, "\(error)")
            }
        }
    }

    /// Deterministic byte corruptions: each either loads (and then runs or fails with a typed error) or is
    /// rejected with a typed error. Run under the sanitizers by ci (swift test --sanitize=address/undefined).
    func testCorruptedModelsNeverCrash() throws {
        let bytes = try lenetBytes()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var loaded = 0, rejected = 0
        for _ in 0..<300 {
            var corrupt = bytes
            for _ in 0..<(1 + Int(next() % 4)) {
                // Corrupt mostly the FlatBuffer structure near the start and end (tables, vectors, offsets).
                let region = next() % 2 == 0 ? Int(next() % 2048) : corrupt.count - 1 - Int(next() % 2048)
                let index = min(max(region, 0), corrupt.count - 1)
                corrupt[index] = UInt8(truncatingIfNeeded: next())
            }
            do {
                let model = try EngineModel(bytes: corrupt)
                loaded += 1
                let interpreter = try model.makeInterpreter()
                let input = try model.input(0)
                try interpreter.setInput(0, bytes: [UInt8](repeating: 0, count: input.bytes))
                try? interpreter.invoke()
            } catch {
                rejected += 1
            }
        }
        XCTAssertEqual(loaded + rejected, 300)
        XCTAssertGreaterThan(rejected, 0)
    }

    func testArenaTooSmallSaysHowManyBytesAreNeeded() throws {
        let model = try EngineModel(bytes: try lenetBytes())
        XCTAssertThrowsError(try model.makeInterpreter(arenaBytes: model.plan.headBytes / 2)) { error in
            guard case let .arenaTooSmall(needed, available) = error as? InferenceError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(available, model.plan.headBytes / 2)
            XCTAssertGreaterThan(needed, available)
            XCTAssertLessThanOrEqual(needed, model.plan.arenaBytesRequired)
            XCTAssertTrue("\(error)".contains("\(needed) bytes needed"))
        }
        XCTAssertNoThrow(try model.makeInterpreter(arenaBytes: model.plan.arenaBytesRequired))
    }

    /// An operator the engine lacks (L2_POOL_2D in place of MAX_POOL_2D) is named with its index.
    func testUnsupportedOperatorIsNamed() throws {
        var model = try TFLite.Model(contentsOf: try FixtureFiles.require("ops/maxpool_2x2_int8.tflite"))
        let maxPoolCode = try XCTUnwrap(model.operatorCodes.firstIndex { $0.builtinCode == .maxPool2D })
        model.operatorCodes[maxPoolCode].builtinCode = BuiltinOperator(12)  // L2_POOL_2D
        XCTAssertThrowsError(try EngineModel(bytes: try model.serialized())) { error in
            guard case let .unsupportedOperator(location) = error as? InferenceError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(location.operatorIndex, 0)
            XCTAssertEqual(location.builtinOperator, BuiltinOperator(12))
            XCTAssertEqual(location.operatorName, "L2_POOL_2D")
            XCTAssertTrue("\(error)".contains("L2_POOL_2D"), "\(error)")
        }
    }

    /// An int16 activation tensor is an unsupported type, naming the tensor.
    func testUnsupportedTensorTypeIsNamed() throws {
        var model = try TFLite.Model(contentsOf: try FixtureFiles.require("ops/maxpool_2x2_int8.tflite"))
        let output = model.subgraphs[0].outputs[0]
        model.subgraphs[0].tensors[output].type = .int16
        XCTAssertThrowsError(try EngineModel(bytes: try model.serialized())) { error in
            guard case let .unsupportedTensorType(location) = error as? InferenceError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(location.tensorIndex, output)
        }
    }

    func testInputOfTheWrongSizeOrTypeIsRejected() async throws {
        let model = try EngineModel(bytes: try lenetBytes())
        let interpreter = try model.makeInterpreter()
        XCTAssertThrowsError(try interpreter.setInput(0, bytes: [UInt8](repeating: 0, count: 10))) { error in
            guard case .inputMismatch = error as? InferenceError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try interpreter.setInput(3, bytes: [UInt8]())) { error in
            XCTAssertEqual(error as? InferenceError, .noSuchTensor(role: "input", index: 3, count: 1))
        }
        let floats = try NumPyArray(values: [Float](repeating: 0, count: 2 * 784), shape: [2, 28, 28, 1])
        do {
            _ = try await model.run(batch: floats)
            XCTFail("float input accepted by an int8 model")
        } catch {
            guard case .inputMismatch = error else { return XCTFail("\(error)") }
        }
        let wrongSize = try NumPyArray(values: [Int8](repeating: 0, count: 2 * 700), shape: [2, 700])
        do {
            _ = try await model.run(batch: wrongSize)
            XCTFail("wrong-sized input accepted")
        } catch {
            guard case .inputMismatch = error else { return XCTFail("\(error)") }
        }
    }

    func testUnreadableModelFile() {
        XCTAssertThrowsError(try EngineModel(contentsOf: URL(fileURLWithPath: "/nonexistent/model.tflite"))) { error in
            guard case .unreadableModel = error as? InferenceError else { return XCTFail("\(error)") }
        }
    }
}
