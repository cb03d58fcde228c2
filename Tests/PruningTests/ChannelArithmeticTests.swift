import XCTest
import Footprint
import TFLite
import TinyHILTestSupport
@testable import Pruning

/// MACs of models pruned at ratio 0.5, against the channel arithmetic done by hand: every group keeps
/// ⌈C/2⌉ (here exactly C/2) channels, and each layer's MACs are output H·W · kept outputs · kh·kw · kept
/// inputs (CONV_2D), H·W · kept channels · kh·kw (DEPTHWISE_CONV_2D), inputs · outputs (FULLY_CONNECTED).
/// The MACs of the pruned model are counted by the Footprint module, independently of the pruner.
final class ChannelArithmeticTests: XCTestCase {
    private func conv(_ h: Int, _ w: Int, outputs: Int, kernel: Int, inputs: Int) -> Int { h * w * outputs * kernel * inputs }
    private func depthwise(_ h: Int, _ w: Int, channels: Int, kernel: Int) -> Int { h * w * channels * kernel }

    private func macs(of name: String, ratio: Double, folder: String = "models") throws -> (before: Int, after: Int) {
        let model = try Model(contentsOf: Fixtures.root.appendingPathComponent("\(folder)/\(name).tflite"))
        let pruned = try ChannelPruner().prune(model, ratios: .fixed(ratio)).model
        _ = try Model(bytes: try pruned.serialized())
        return (try ModelFootprint(model: model).macs, try ModelFootprint(model: pruned).macs)
    }

    func testLeNetAtHalf() throws {
        let (before, after) = try macs(of: "lenet_int8", ratio: 0.5)
        XCTAssertEqual(before, conv(26, 26, outputs: 12, kernel: 9, inputs: 1) + conv(11, 11, outputs: 32, kernel: 9, inputs: 12)
                       + 800 * 120 + 120 * 84 + 84 * 10)
        // 12→6, 32→16 (flatten 800→400), 120→60, 84→42, classifier 10 kept
        XCTAssertEqual(after, conv(26, 26, outputs: 6, kernel: 9, inputs: 1) + conv(11, 11, outputs: 16, kernel: 9, inputs: 6)
                       + 400 * 60 + 60 * 42 + 42 * 10)
    }

    func testDSCNNAtHalf() throws {
        let (_, after) = try macs(of: "dscnn_int8", ratio: 0.5)
        // groups 8→4 (conv0, dw1), 16→8 (conv2; dw3 has multiplier 2 → 16 outputs), 32→16 (conv4, dw5), 32→16 (conv6)
        let expected = conv(14, 14, outputs: 4, kernel: 9, inputs: 1) + depthwise(14, 14, channels: 4, kernel: 9)
            + conv(14, 14, outputs: 8, kernel: 1, inputs: 4) + depthwise(7, 7, channels: 16, kernel: 9)
            + conv(7, 7, outputs: 16, kernel: 1, inputs: 16) + depthwise(7, 7, channels: 16, kernel: 9)
            + conv(7, 7, outputs: 16, kernel: 1, inputs: 16) + 16 * 10
        XCTAssertEqual(after, expected)
    }

    func testResNetAtHalf() throws {
        let (_, after) = try macs(of: "resnet_int8", ratio: 0.5)
        // groups: {conv0, conv2 via ADD} 16→8, conv1 16→8, conv4 32→16, {conv5, conv6 via ADD} 32→16
        let expected = conv(14, 14, outputs: 8, kernel: 9, inputs: 1) + conv(14, 14, outputs: 8, kernel: 9, inputs: 8)
            + conv(14, 14, outputs: 8, kernel: 9, inputs: 8) + conv(7, 7, outputs: 16, kernel: 9, inputs: 8)
            + conv(7, 7, outputs: 16, kernel: 9, inputs: 16) + conv(7, 7, outputs: 16, kernel: 1, inputs: 8) + 16 * 10
        XCTAssertEqual(after, expected)
    }

    /// An unseen keyword-spotting DS-CNN (fixtures/unseen): conv 10×4 stride 2 to 25×5×32, three
    /// depthwise-separable blocks, average pool, reshape [1,1,1,32]→[1,32], FC 32→12 (no bias).
    func testUnseenKeywordSpottingDSCNNAtHalf() throws {
        let (before, after) = try macs(of: "kws_dscnn_int8", ratio: 0.5, folder: "unseen")
        XCTAssertEqual(before, conv(25, 5, outputs: 32, kernel: 40, inputs: 1) + 3 * depthwise(25, 5, channels: 32, kernel: 9)
                       + 3 * conv(25, 5, outputs: 32, kernel: 1, inputs: 32) + 32 * 12)
        XCTAssertEqual(after, conv(25, 5, outputs: 16, kernel: 40, inputs: 1) + 3 * depthwise(25, 5, channels: 16, kernel: 9)
                       + 3 * conv(25, 5, outputs: 16, kernel: 1, inputs: 16) + 16 * 12)
    }

    /// An unseen VGG with dilation and MAX_POOL, flatten 7×7×16 → FC 784→32 → FC 32→10 (graph output).
    func testUnseenVGGAtHalf() throws {
        let (_, after) = try macs(of: "vgg_dilated_int8", ratio: 0.5, folder: "unseen")
        let expected = conv(32, 32, outputs: 4, kernel: 9, inputs: 3) + conv(32, 32, outputs: 4, kernel: 9, inputs: 4)
            + conv(16, 16, outputs: 8, kernel: 9, inputs: 4) + conv(14, 14, outputs: 8, kernel: 9, inputs: 8)
            + 392 * 16 + 16 * 10
        XCTAssertEqual(after, expected)
    }
}
