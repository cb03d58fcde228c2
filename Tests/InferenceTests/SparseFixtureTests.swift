import Footprint
import Foundation
import TFLite
import XCTest

@testable import Inference

/// fixtures/sparse: weights in THS1 (tinyhil prune weights --encode sparse), against TFLite Micro's outputs of the
/// dense equivalent (fixtures/make_sparse_fixtures.py). The host engine must match bit for bit, and the footprint
/// planner must agree with the engine's on the sparse models as on the dense ones.
final class SparseFixtureTests: XCTestCase {
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: try FixtureFiles.require("sparse").path)
            .filter { $0.hasSuffix(".tflite") }.map { String($0.dropLast(".tflite".count)) }.sorted()
    }

    func testEverySparseFixtureIsBitExactWithTFLMOnTheDenseEquivalent() async throws {
        let names = try Self.names()
        XCTAssertGreaterThanOrEqual(names.count, 9, "fixtures/sparse has fewer models than expected")
        for name in names {
            try await FixtureRun.run("sparse", name).assertBitExact()
        }
    }

    func testFootprintHeadAgreesWithTheEngineOnSparseModels() throws {
        for name in try Self.names() {
            let url = try FixtureFiles.require("sparse/\(name).tflite")
            let engineHead = try EngineModel(contentsOf: url).plan.headBytes
            let graph = try PlanningGraph(model: try TFLite.Model(contentsOf: url))
            XCTAssertEqual(engineHead, try ArenaPlanner.plan(graph.requests()).headBytes, name)
        }
    }
}
