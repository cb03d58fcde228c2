import Foundation
import XCTest

@testable import Inference

final class BatchTests: XCTestCase {
    private func lenet() throws -> (EngineModel, NumPyArray) {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("models/lenet_int8.tflite"))
        let inputs = try NumPyArray(contentsOf: try FixtureFiles.require("models/lenet_int8.inputs.npy"))
        return (model, try inputs.rows(0..<24))  // a few samples keep the debug-build test quick
    }

    func testDescribesInputsAndOutputs() throws {
        let (model, _) = try lenet()
        XCTAssertEqual(model.inputs.count, 1)
        XCTAssertEqual(model.inputs[0].elementType, .int8)
        XCTAssertEqual(model.inputs[0].shape, [1, 28, 28, 1])
        XCTAssertEqual(model.inputs[0].bytes, 784)
        XCTAssertGreaterThan(model.inputs[0].scale, 0)
        XCTAssertEqual(model.outputs[0].shape, [1, 10])
        XCTAssertEqual(model.outputs[0].sampleShape, [10])
        XCTAssertFalse(model.operators.isEmpty)
    }

    /// Any number of workers gives the same bytes as running one sample at a time.
    func testWorkerCountDoesNotChangeResults() async throws {
        let (model, inputs) = try lenet()
        let interpreter = try model.makeInterpreter()
        var oneByOne: [UInt8] = []
        for sample in 0..<inputs.shape[0] {
            oneByOne += try interpreter.run(input: inputs.bytes[(sample * 784)..<((sample + 1) * 784)])
        }
        for workers in [1, 2, 3, 7] {
            let outputs = try await model.run(batch: inputs, workerCount: workers)
            XCTAssertEqual(outputs.shape, [inputs.shape[0], 10], "\(workers) workers")
            XCTAssertEqual(outputs.elementType, .int8)
            XCTAssertEqual(outputs.bytes, oneByOne, "\(workers) workers")
        }
    }

    func testEmptyBatchGivesEmptyOutput() async throws {
        let (model, _) = try lenet()
        let outputs = try await model.run(batch: try NumPyArray(values: [Int8](), shape: [0, 28, 28, 1]))
        XCTAssertEqual(outputs.shape, [0, 10])
        XCTAssertEqual(outputs.bytes, [])
    }

    /// Interpreters of one model on many threads at once (each its own arena) do not disturb each other.
    func testConcurrentInterpretersAgree() async throws {
        let (model, inputs) = try lenet()
        let reference = try await model.run(batch: inputs, workerCount: 1)
        try await withThrowingTaskGroup(of: NumPyArray.self) { group in
            for _ in 0..<4 { group.addTask { try await model.run(batch: inputs, workerCount: 3) } }
            for try await result in group { XCTAssertEqual(result, reference) }
        }
    }
}
