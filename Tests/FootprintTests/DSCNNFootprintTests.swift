import Foundation
import Testing
import TFLite
import TinyHILTestSupport
@testable import Footprint

/// Depthwise-separable network of fixtures/make_fixtures.py (`dscnn`), counted by hand:
/// conv0 8@3×3 stride 2 SAME on 28×28×1 → 14×14×8; dw1 3×3 SAME → 14×14×8; pw1 16@1×1 → 14×14×16;
/// dw2 3×3 stride 2, depth multiplier 2 → 7×7×32; pw2 32@1×1; dw3 3×3; pw3 32@1×1; global average (MEAN); dense 10.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: Fixtures.model("dscnn_int8").path),
                "the DS-CNN fixture is not committed yet"))
struct DSCNNFootprintTests {
    @Test func depthwiseAndPointwiseMACs() throws {
        let footprint = try ModelFootprint(model: try Model(contentsOf: Fixtures.model("dscnn_int8")))
        let expected = [
            14 * 14 * 8 * (3 * 3 * 1),  // conv0: 14 112
            14 * 14 * 8 * (3 * 3),  // dw1: one MAC per tap per output, 14 112
            14 * 14 * 16 * (1 * 1 * 8),  // pw1: 25 088
            7 * 7 * 32 * (3 * 3),  // dw2_mult2: 32 outputs = 16 inputs × 2, 14 112
            7 * 7 * 32 * (1 * 1 * 32),  // pw2: 50 176
            7 * 7 * 32 * (3 * 3),  // dw3: 14 112
            7 * 7 * 32 * (1 * 1 * 32),  // pw3: 50 176
            0,  // MEAN
            32 * 10,  // fc: 320
            0,  // SOFTMAX
        ]
        #expect(footprint.layers.map(\.macs) == expected)
        // Depthwise parameters: 3·3 taps × output channels + biases.
        #expect(footprint.layers[3].parameters == 3 * 3 * 32 + 32)
        // MEAN's axis tensor is configuration, not a parameter.
        #expect(footprint.layers[7].operatorName == "MEAN" && footprint.layers[7].parameters == 0)
    }
}
