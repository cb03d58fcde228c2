import Footprint
import Foundation
import TFLite
import XCTest

@testable import Inference

/// The engine's planner (C, th_plan) and the Footprint module's planner (Swift) compute the same TFLM head on
/// every fixture model: two independent implementations of TFLite Micro's greedy planner.
final class FootprintAgreementTests: XCTestCase {
    private func assertHeadsAgree(_ folder: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try FixtureFiles.require("\(folder)/\(name).tflite")
        let engineHead = try EngineModel(contentsOf: url).plan.headBytes
        let graph = try PlanningGraph(model: try TFLite.Model(contentsOf: url))
        let footprintHead = try ArenaPlanner.plan(graph.requests()).headBytes
        XCTAssertEqual(engineHead, footprintHead, "\(folder)/\(name)", file: file, line: line)
    }

    func testHeadsAgreeOnEveryFixtureModel() throws {
        for name in FixtureModelTests.int8Models + FixtureModelTests.float32Models {
            try assertHeadsAgree("models", name)
        }
    }

    func testHeadsAgreeOnEveryOperatorFixture() throws {
        for name in try OperatorFixtureTests.allNames() { try assertHeadsAgree("ops", name) }
    }

    func testHeadsAgreeOnEveryUnseenFixture() throws {
        let names = try FixtureModelTests.unseenNames()
        XCTAssertFalse(names.isEmpty, "fixtures/unseen holds no models")
        for name in names { try assertHeadsAgree("unseen", name) }
    }
}
