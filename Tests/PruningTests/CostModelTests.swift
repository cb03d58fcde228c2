import Foundation
import Footprint
import TFLite
import TinyHILTestSupport
import XCTest
@testable import Pruning

/// The per-operator cost model fitted to instruction counts profiled on the virtual board
/// (`fixtures/profiles/virtual_instructions.json`, recorded by `fixtures/profiles/record_virtual_profiles.sh` from
/// real `tinyhil profile` runs) predicts the totals of models it was not fitted to.
final class CostModelTests: XCTestCase {
    struct Recording: Decodable {
        struct Profile: Decodable {
            struct Operator: Decodable { var index: Int; var name: String; var counter: Int64 }
            var model: String
            var operators: [Operator]
        }
        var counterUnit: String
        var profiles: [Profile]
    }

    /// "lenet_int8" is the fixture; "lenet_int8 l1 0.5" is that fixture channel-pruned as
    /// `tinyhil prune channels --method l1 --ratio 0.5` does it.
    func model(named name: String) throws -> Model {
        let parts = name.split(separator: " ")
        let base = try PruningFixtures.model(String(parts[0]))
        guard parts.count == 3, let ratio = Double(parts[2]) else { return base }
        return try ChannelPruner(criterion: .l1).prune(base, ratios: .fixed(ratio)).model
    }

    func recording() throws -> Recording {
        try JSONDecoder().decode(Recording.self, from: Data(contentsOf: Fixtures.root.appendingPathComponent("profiles/virtual_instructions.json")))
    }

    func samples(_ profile: Recording.Profile) throws -> (footprint: ModelFootprint, samples: [OperatorCostModel.Sample]) {
        let footprint = try ModelFootprint(model: try model(named: profile.model))
        XCTAssertEqual(footprint.layers.map(\.operatorName), profile.operators.map(\.name), profile.model)
        return (footprint, zip(footprint.layers, profile.operators).map { .init(layer: $0, counter: Double($1.counter)) })
    }

    func testFittedModelPredictsHeldOutModelsWithinFivePercent() throws {
        let recording = try recording()
        let heldOut: Set = ["lenet_channel_pruned_int8", "lenet_int8 l1 0.5", "dscnn_int8 l1 0.25"]
        var training: [OperatorCostModel.Sample] = []
        // Fitted to dense models only: the cost model sees shapes, not weight values, and the magnitude-pruned LeNet
        // (same shapes as lenet_int8, 75 % zero weights) runs ≈ 2 % fewer instructions because the M0+
        // requantization is shorter for the small accumulators zeros make common.
        let excluded: Set = ["resnet_int8", "lenet_magnitude_pruned_int8"]
        for profile in recording.profiles where !heldOut.contains(profile.model) && !excluded.contains(profile.model) {
            training += try samples(profile).samples
        }
        let costModel = try OperatorCostModel.fit(training, counterUnit: recording.counterUnit)
        var checked = 0
        for profile in recording.profiles where heldOut.contains(profile.model) {
            let (footprint, _) = try samples(profile)
            let measured = Double(profile.operators.reduce(0) { $0 + $1.counter })
            let predicted = try costModel.predictTotal(footprint)
            let error = (predicted - measured) / measured
            print(String(format: "%@: measured %.0f, predicted %.0f instructions (%+.2f %%)", profile.model, measured, predicted, error * 100))
            XCTAssertLessThan(abs(error), 0.05, profile.model)
            checked += 1
        }
        XCTAssertEqual(checked, heldOut.count)

        // The resnet has operators (ADD) none of the fitted models has: a typed error, not a guess.
        let resnet = try ModelFootprint(model: try model(named: "resnet_int8"))
        XCTAssertThrowsError(try costModel.predictTotal(resnet)) { error in
            XCTAssertTrue("\(error)".contains("no coefficients for"), "\(error)")
        }
        // Saved as JSON and read back unchanged.
        let decoded = try JSONDecoder().decode(OperatorCostModel.self, from: try JSONEncoder().encode(costModel))
        XCTAssertEqual(decoded, costModel)
    }

    func testFitRefusesNoDataAndNegativeCounters() throws {
        XCTAssertThrowsError(try OperatorCostModel.fit([], counterUnit: "instructions"))
        let layer = try ModelFootprint(model: try model(named: "lenet_int8")).layers[0]
        XCTAssertThrowsError(try OperatorCostModel.fit([.init(layer: layer, counter: -1)], counterUnit: "instructions"))
    }

    func fittedToAllLeNetAndDSCNNProfiles() throws -> OperatorCostModel {
        let recording = try recording()
        var all: [OperatorCostModel.Sample] = []
        for profile in recording.profiles where profile.model != "resnet_int8" { all += try samples(profile).samples }
        return try OperatorCostModel.fit(all, counterUnit: recording.counterUnit)
    }

    /// `--objective energy`: among candidates within the limits and at or above the fitness floor, the search
    /// returns the one with the fewest predicted instructions; no front member above the floor is predicted
    /// cheaper, and a floor nothing reaches is a typed error.
    func testEnergyObjectiveMinimisesPredictedInstructionsAboveTheFloor() async throws {
        let costModel = try fittedToAllLeNetAndDSCNNProfiles()
        let model = try PruningFixtures.model("lenet_int8")
        let limits = ResourceLimits(maxMACs: try ModelFootprint(model: model).macs * 8 / 10)
        let floor = 0.8
        let result = try await GeneticSearch(population: 8, generations: 4, seed: 2, objective: .predictedCost(costModel, fitnessFloor: floor))
            .run(model: model, limits: limits)
        let best = try XCTUnwrap(result.best.cost.predictedCounter)
        XCTAssertGreaterThanOrEqual(result.best.fitness, floor)
        XCTAssertLessThanOrEqual(result.best.cost.macs, limits.maxMACs!)
        for candidate in result.paretoFront where candidate.fitness >= floor {
            XCTAssertLessThanOrEqual(best, try XCTUnwrap(candidate.cost.predictedCounter))
        }
        let unpruned = try costModel.predictTotal(try ModelFootprint(model: model))
        print(String(format: "energy objective: predicted %.0f instructions (unpruned %.0f), retained importance %.3f", best, unpruned, result.best.fitness))
        XCTAssertLessThan(best, unpruned)

        do {
            _ = try await GeneticSearch(population: 4, generations: 2, seed: 2, objective: .predictedCost(costModel, fitnessFloor: 1))
                .run(model: model, limits: limits)
            XCTFail("no candidate within the MAC limit keeps every channel")
        } catch {
            guard case .limitsUnreachable(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("fitness 1"), message)
        }
    }
}
