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
}
