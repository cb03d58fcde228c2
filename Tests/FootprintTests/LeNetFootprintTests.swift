import Foundation
import Testing
import TFLite
import TinyHILTestSupport
@testable import Footprint

/// MACs and parameters of the LeNet fixture, worked out by hand from the network's definition in
/// fixtures/make_fixtures.py: input 28×28×1; conv 12@3×3 VALID → 26×26×12; avg-pool 2×2 → 13×13×12;
/// conv 32@3×3 VALID → 11×11×32; avg-pool 2×2 (VALID, floor) → 5×5×32; flatten 800; dense 120 → 84 → 10; softmax.
@Suite struct LeNetFootprintTests {
    // conv1: 26·26 outputs × 12 channels × 3·3 taps × 1 input channel
    static let conv1MACs = 26 * 26 * 12 * (3 * 3 * 1)  // 73 008
    // conv2: 11·11 outputs × 32 channels × 3·3 taps × 12 input channels
    static let conv2MACs = 11 * 11 * 32 * (3 * 3 * 12)  // 418 176
    static let dense1MACs = 800 * 120  // 96 000
    static let dense2MACs = 120 * 84  // 10 080
    static let dense3MACs = 84 * 10  // 840
    static let totalMACs = conv1MACs + conv2MACs + dense1MACs + dense2MACs + dense3MACs  // 598 104

    // Weights + biases.
    static let conv1Params = 12 * 3 * 3 * 1 + 12  // 120
    static let conv2Params = 32 * 3 * 3 * 12 + 32  // 3 488
    static let dense1Params = 800 * 120 + 120  // 96 120
    static let dense2Params = 120 * 84 + 84  // 10 164
    static let dense3Params = 84 * 10 + 10  // 850
    static let totalParams = conv1Params + conv2Params + dense1Params + dense2Params + dense3Params  // 110 742

    static func present(_ name: String) -> Bool { FileManager.default.fileExists(atPath: Fixtures.model(name).path) }

    @Test(arguments: ["lenet_int8", "lenet_float32", "lenet_magnitude_pruned_int8"].filter(present))
    func macsAndParametersMatchHandCount(name: String) throws {
        let url = Fixtures.model(name)
        let footprint = try ModelFootprint(model: try Model(contentsOf: url))
        let layers = footprint.layers
        #expect(layers.map(\.operatorName) == [
            "CONV_2D", "AVERAGE_POOL_2D", "CONV_2D", "AVERAGE_POOL_2D", "RESHAPE",
            "FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED", "SOFTMAX",
        ])
        #expect(layers.map(\.macs) == [Self.conv1MACs, 0, Self.conv2MACs, 0, 0,
                                       Self.dense1MACs, Self.dense2MACs, Self.dense3MACs, 0])
        #expect(layers.map(\.parameters) == [Self.conv1Params, 0, Self.conv2Params, 0, 0,
                                             Self.dense1Params, Self.dense2Params, Self.dense3Params, 0])
        #expect(footprint.macs == Self.totalMACs)
        #expect(footprint.parameters == Self.totalParams)
        #expect(layers[0].inputShapes == [[1, 28, 28, 1]])
        #expect(layers[0].outputShapes == [[1, 26, 26, 12]])
        #expect(layers[4].outputShapes == [[1, 800]])
    }

    @Test func weightBytesOfInt8LeNet() throws {
        // int8 weights (1 B) + int32 biases (4 B) per layer; RESHAPE's int32 [2] shape tensor is 8 B.
        let footprint = try ModelFootprint(model: try Model(contentsOf: Fixtures.model("lenet_int8")))
        #expect(footprint.layers.map(\.weightBytes) == [
            108 + 12 * 4, 0, 3456 + 32 * 4, 0, 8, 96000 + 120 * 4, 10080 + 84 * 4, 840 + 10 * 4, 0,
        ])
        // Activations of the first conv: int8 input 28·28·1 + output 26·26·12.
        #expect(footprint.layers[0].activationBytes == 784 + 8112)
    }

    @Test func flashIsTheFileSizeWhenGivenAndEstimatedOtherwise() throws {
        let bytes = try Fixtures.modelBytes("lenet_int8")
        let model = try Model(bytes: bytes)
        let measured = try ModelFootprint(model: model, fileBytes: bytes.count)
        #expect(measured.flashBytes == bytes.count)
        #expect(!measured.flashBytesIsEstimate)
        let estimated = try ModelFootprint(model: model)
        #expect(estimated.flashBytesIsEstimate)
        // The estimate pads every buffer and adds table allowances: within 2 % of the file.
        #expect(abs(estimated.flashBytes - bytes.count) * 50 <= bytes.count,
                "estimate \(estimated.flashBytes), file \(bytes.count)")
    }

    @Test(.enabled(if: present("lenet_magnitude_pruned_int8"), "the pruned LeNet fixture is not committed yet"))
    func magnitudePrunedLeNetShowsItsSparsity() throws {
        // The fixture was pruned with TF-MOT to 75 % sparsity per layer (fixtures/make_fixtures.py); the
        // unpruned int8 LeNet has almost no exact zeros.
        let pruned = try ModelFootprint(model: try Model(contentsOf: Fixtures.model("lenet_magnitude_pruned_int8")))
        for layer in pruned.layers where layer.sparsity != nil {
            #expect(abs(layer.sparsity! - 0.75) < 0.02, "layer \(layer.index): \(layer.sparsity!)")
        }
        let dense = try ModelFootprint(model: try Model(contentsOf: Fixtures.model("lenet_int8")))
        #expect((dense.sparsity ?? 1) < 0.05)
    }
}
