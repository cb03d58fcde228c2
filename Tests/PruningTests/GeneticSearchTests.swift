import XCTest
import Footprint
import Inference
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// The genetic mode under hard limits: every returned candidate meets them (re-measured here with Footprint),
/// results are reproducible from the seed, unreachable limits are refused.
final class GeneticSearchTests: XCTestCase {
    func testLeNetMeetsLimitsAndIsReproducible() async throws {
        let model = try PruningFixtures.model("lenet_int8")
        let original = try ModelFootprint(model: model)
        let limits = ResourceLimits(maxArenaBytes: original.arenaTotalBytes * 8 / 10,
                                    maxFlashBytes: original.flashBytes / 2, maxMACs: original.macs / 2)
        let search = GeneticSearch(population: 6, generations: 4, seed: 42)
        let result = try await search.run(model: model, limits: limits)
        for candidate in [result.best] + result.paretoFront {
            let measured = try ModelFootprint(model: candidate.model, fileBytes: try candidate.model.serialized().count)
            XCTAssertLessThanOrEqual(measured.macs, limits.maxMACs!)
            XCTAssertLessThanOrEqual(measured.flashBytes, limits.maxFlashBytes!)
            XCTAssertLessThanOrEqual(measured.arenaTotalBytes, limits.maxArenaBytes!)
            XCTAssertTrue(candidate.isFeasible)
        }
        XCTAssertFalse(result.paretoFront.isEmpty)
        XCTAssertGreaterThan(result.best.fitness, 0)
        XCTAssertLessThanOrEqual(result.best.fitness, 1)
        let again = try await search.run(model: model, limits: limits)
        XCTAssertEqual(again.best.ratios, result.best.ratios)
        XCTAssertEqual(again.best.cost, result.best.cost)
    }

    func testUnreachableLimitsAreRefused() async throws {
        let model = try PruningFixtures.model("resnet_int8")
        do {
            _ = try await GeneticSearch(population: 4, generations: 2).run(model: model, limits: ResourceLimits(maxMACs: 1000))
            XCTFail("expected limitsUnreachable")
        } catch {
            guard case .limitsUnreachable = error else { return XCTFail("\(error)") }
        }
    }

    /// With validation data the fitness is accuracy measured with the host engine. Labels here are the
    /// unpruned model's TFLite Micro top-1 (stored fixture outputs), so fitness is agreement with the original.
    func testValidationAccuracyDrivesFitness() async throws {
        let model = try PruningFixtures.model("lenet_int8")
        let inputs = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/lenet_int8.inputs.npy")).rows(0..<48)
        let reference = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/lenet_int8.tflm_outputs.npy")).rows(0..<48)
        let scores: [Int8] = try reference.values()
        let labels = (0..<48).map { i in (0..<10).max { scores[i * 10 + $0] < scores[i * 10 + $1] }! }
        let original = try ModelFootprint(model: model)
        let result = try await GeneticSearch(population: 4, generations: 2, seed: 3)
            .run(model: model, limits: ResourceLimits(maxMACs: original.macs * 7 / 10), validation: ValidationSet(inputs: inputs, labels: labels))
        XCTAssertLessThanOrEqual(result.best.cost.macs, original.macs * 7 / 10)
        XCTAssertGreaterThan(result.best.fitness, 0.5)   // agreement with the unpruned model
        XCTAssertLessThanOrEqual(result.best.fitness, 1)
    }

    /// The Pareto front is fine-tuned through an injected closure and re-ranked by validation accuracy measured
    /// again. The "fine-tuning" here ruins the search's best member (its last FULLY_CONNECTED weights zeroed: every
    /// input gets the same output, so accuracy falls to at most the share of the most common label) and leaves the others as they are, so the
    /// best after fine-tuning must be another member, and every fitness must be the re-measured accuracy.
    func testParetoFrontIsFineTunedAndReRanked() async throws {
        let model = try PruningFixtures.model("lenet_int8")
        let inputs = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/lenet_int8.inputs.npy")).rows(0..<48)
        let reference = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/lenet_int8.tflm_outputs.npy")).rows(0..<48)
        let scores: [Int8] = try reference.values()
        let labels = (0..<48).map { i in (0..<10).max { scores[i * 10 + $0] < scores[i * 10 + $1] }! }
        let validation = ValidationSet(inputs: inputs, labels: labels)
        let limits = ResourceLimits(maxMACs: try ModelFootprint(model: model).macs * 8 / 10)
        let search = GeneticSearch(population: 6, generations: 3, seed: 5)
        let result = try await search.run(model: model, limits: limits, validation: validation)
        try XCTSkipIf(result.paretoFront.count < 2, "the front has one member; nothing to re-rank")
        let ruined = result.best.ratios
        var calls = 0
        let tuned = try await search.fineTuningParetoFront(of: result, limits: limits, validation: validation) { candidate in
            calls += 1
            guard candidate.ratios == ruined else { return candidate.model }
            var broken = candidate.model
            let subgraph = broken.subgraphs[0]
            let dense = subgraph.operators.last { broken.builtinOperator(of: $0) == .fullyConnected }!
            let weights = subgraph.tensors[dense.inputs[1]]
            try broken.setConstantData([UInt8](repeating: 0, count: weights.elementCount!), ofTensor: dense.inputs[1])
            return broken
        }
        XCTAssertEqual(calls, result.paretoFront.count)
        XCTAssertNotEqual(tuned.best.ratios, ruined)
        let largestClassShare = Double((0..<10).map { c in labels.filter { $0 == c }.count }.max()!) / Double(labels.count)
        for candidate in tuned.paretoFront {
            XCTAssertNotNil(candidate.fitnessBeforeFineTuning)
            let measured = try await CandidateEvaluator.accuracy(of: candidate.model, on: validation)
            XCTAssertEqual(candidate.fitness, measured)
            XCTAssertLessThanOrEqual(candidate.cost.macs, limits.maxMACs!)
            if candidate.ratios == ruined { XCTAssertLessThanOrEqual(candidate.fitness, largestClassShare + 1e-9) }
        }
        XCTAssertGreaterThanOrEqual(tuned.best.fitness, tuned.paretoFront.map(\.fitness).max()!)
    }
}
