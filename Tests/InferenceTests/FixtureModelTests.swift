import Foundation
import XCTest

import TinyHILTestSupport

@testable import Inference

/// The engine against TFLite Micro's stored outputs for every fixture model (fixtures/models). int8 models must
/// match bit for bit. Float32 models must match within |ours − TFLM| ≤ 1e-5 + 1e-5·|TFLM| (float sums may be
/// ordered differently). A missing fixture fails the test.
final class FixtureModelTests: XCTestCase {
    static let int8Models = [
        "lenet_int8", "lenet_magnitude_pruned_int8", "lenet_channel_pruned_int8", "dscnn_int8", "resnet_int8",
    ]
    static let float32Models = ["lenet_float32"]

    func testLeNetInt8IsBitExact() async throws {
        try await FixtureRun.run("models", "lenet_int8").assertBitExact()
    }

    func testMagnitudePrunedLeNetIsBitExact() async throws {
        try await FixtureRun.run("models", "lenet_magnitude_pruned_int8").assertBitExact()
    }

    func testChannelPrunedLeNetIsBitExact() async throws {
        try await FixtureRun.run("models", "lenet_channel_pruned_int8").assertBitExact()
    }

    func testDSCNNIsBitExact() async throws {
        try await FixtureRun.run("models", "dscnn_int8").assertBitExact()
    }

    func testResNetIsBitExact() async throws {
        try await FixtureRun.run("models", "resnet_int8").assertBitExact()
    }

    func testLeNetFloat32IsWithinTolerance() async throws {
        try await FixtureRun.run("models", "lenet_float32").assertClose(absolute: 1e-5, relative: 1e-5)
    }

    /// th_plan's head is TFLM's greedy-planner head recorded by TFLM's RecordingMicroAllocator.
    func testPlanHeadEqualsTFLMHeadForEveryModel() throws {
        for name in Self.int8Models + Self.float32Models {
            let model = try EngineModel(contentsOf: try FixtureFiles.require("models/\(name).tflite"))
            XCTAssertEqual(model.plan.headBytes, try TFLMArena.load("models", name).head, name)
            XCTAssertGreaterThanOrEqual(model.plan.arenaBytesRequired, model.plan.headBytes, name)
        }
    }

    /// Models under fixtures/unseen (other architectures nobody tuned the engine against) are bit-exact too, and
    /// their plan heads equal TFLM's.
    func testUnseenModelsAreBitExact() async throws {
        let names = try Self.unseenNames()
        XCTAssertFalse(names.isEmpty, "fixtures/unseen holds no models")
        for name in names {
            try await FixtureRun.run("unseen", name).assertBitExact()
            let model = try EngineModel(contentsOf: try FixtureFiles.require("unseen/\(name).tflite"))
            XCTAssertEqual(model.plan.headBytes, try TFLMArena.load("unseen", name).head, name)
        }
    }

    static func unseenNames() throws -> [String] {
        let folder = try FixtureFiles.require("unseen")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".tflite") }.map { String($0.dropLast(".tflite".count)) }.sorted()
    }
}
