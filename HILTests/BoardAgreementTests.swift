import Bench
import Foundation
import HILTesting
import Inference
import TinyHILTestSupport
import XCTest

/// The board runs the same engine as the host: every output must be identical, for every int8 fixture.
final class BoardAgreementTests: XCTestCase {
    static let int8Fixtures = [
        "lenet_int8", "lenet_magnitude_pruned_int8", "lenet_channel_pruned_int8", "dscnn_int8", "resnet_int8",
    ]

    func testBoardAndHostAgreeOnEveryOutputOfEveryInt8Fixture() async throws {
        let bench = try await SharedBench.get()
        for name in Self.int8Fixtures {
            let model = try ModelFixtures.model(named: name)
            let inputs = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/\(name).inputs.npy"))
            let count = min(inputs.shape[0], 64)
            let sample = try inputs.rows(0..<count)
            let labels = [UInt8](repeating: 0, count: count)  // labels are irrelevant to agreement
            await assertAgreement(of: model, withHostEngineAtLeast: 1.0,
                                  on: LabelledInputs(name: "\(name).inputs.npy[0..<\(count)]", inputs: sample, labels: labels),
                                  bench: bench)
        }
    }

    /// A variant pruned inside the test (the pruning core at work) is smaller and runs identically on board and host.
    func testAVariantPrunedInTheTestRunsIdenticallyOnTheBoard() async throws {
        let bench = try await SharedBench.get()
        let baseline = try ModelFixtures.model(named: "lenet_int8")
        let pruned = try baseline.channelPruned(ratio: 0.5)
        let footprint = try XCTUnwrap(assertFits(pruned, on: .raspberryPiPico))
        XCTAssertEqual(footprint.macs, 167_988, "12→6, 32→16, 120→60, 84→42 channels: 26·26·6·9 + 11·11·16·9·6 + 400·60 + 60·42 + 42·10")
        let inputs = try NumPyArray(contentsOf: Fixtures.root.appendingPathComponent("models/lenet_int8.inputs.npy")).rows(0..<16)
        await assertAgreement(of: pruned, withHostEngineAtLeast: 1.0,
                              on: LabelledInputs(name: "lenet_int8.inputs.npy[0..<16]", inputs: inputs,
                                                 labels: [UInt8](repeating: 0, count: 16)),
                              bench: bench)
    }

    func testEveryInt8FixtureFitsThePicoTogetherWithItsArena() throws {
        for name in Self.int8Fixtures {
            let footprint = assertFits(try ModelFixtures.model(named: name), on: .raspberryPiPico)
            XCTAssertNotNil(footprint, name)
        }
    }
}
