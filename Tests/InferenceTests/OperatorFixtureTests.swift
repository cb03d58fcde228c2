import Foundation
import TinyHILTestSupport
import XCTest

@testable import Inference

/// Single-operator models (fixtures/ops, made by make_fixtures.py with random weights and inputs) against TFLite
/// Micro's stored outputs: one test per edge case the engine must get right, bit-exact for int8; float32 within
/// |ours − TFLM| ≤ 1e-5 + 1e-5·|TFLM|. A missing fixture fails the test.
final class OperatorFixtureTests: XCTestCase {
    private func exact(_ name: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await FixtureRun.run("ops", name).assertBitExact(file: file, line: line)
    }

    private func close(_ name: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        try await FixtureRun.run("ops", name).assertClose(absolute: 1e-5, relative: 1e-5, file: file, line: line)
    }

    // CONV_2D
    func testConvSameStride1() async throws { try await exact("conv_same_stride1_int8") }
    func testConvValidStride2() async throws { try await exact("conv_valid_stride2_int8") }
    func testConvSameStride2EvenInputPadsAfterOnly() async throws { try await exact("conv_same_stride2_even_int8") }
    func testConvDilation2Same() async throws { try await exact("conv_dilation2_int8") }
    func testConvDilation2Valid() async throws { try await exact("conv_dilation2_valid_int8") }
    func testConvFusedRelu6() async throws { try await exact("conv_relu6_int8") }
    func testConvFusedRelu() async throws { try await exact("conv_relu_int8") }
    func testConvInputZeroPointMinus128() async throws { try await exact("conv_input_zp_minus128_int8") }
    func testConvInputZeroPoint127() async throws { try await exact("conv_input_zp_127_int8") }
    func testConvInsideFloatInterfaceQuantizeDequantize() async throws { try await exact("conv_float_io_int8") }

    // DEPTHWISE_CONV_2D
    func testDepthwiseMultiplier2() async throws { try await exact("depthwise_multiplier2_int8") }
    func testDepthwiseStride2Same() async throws { try await exact("depthwise_stride2_same_int8") }
    func testDepthwiseFusedRelu6() async throws { try await exact("depthwise_relu6_int8") }

    // FULLY_CONNECTED, RESHAPE
    func testFullyConnectedPerTensorWeights() async throws { try await exact("fc_per_tensor_int8") }
    func testFullyConnectedPerChannelWeightsRelu() async throws { try await exact("fc_default_int8") }
    func testFullyConnectedOddUnitCount() async throws { try await exact("fc_odd_units_int8") }
    func testAddSizeNotAMultipleOfEight() async throws { try await exact("add_odd_size_int8") }
    func testDepthwiseTwentyOneChannels() async throws { try await exact("depthwise_21ch_int8") }
    func testDepthwiseMultiplier2TenChannels() async throws { try await exact("depthwise_dm2_5ch_int8") }
    func testConvSingleInputChannelFiveOutputChannels() async throws { try await exact("conv_cin1_5ch_int8") }
    func testConvDeepFilterSeveralChannelBlocks() async throws { try await exact("conv_deep_40ch_int8") }
    func testConvWideReceptiveField() async throws { try await exact("conv_wide_filter_int8") }
    func testAveragePoolTwelveChannelsPartialWindows() async throws { try await exact("avgpool_same_12ch_int8") }
    func testReshapeThenFullyConnected() async throws { try await exact("reshape_fc_int8") }

    // Pooling
    func testMaxPool2x2() async throws { try await exact("maxpool_2x2_int8") }
    func testMaxPool3x3Stride2SameIgnoresPaddedTaps() async throws { try await exact("maxpool_3x3_stride2_same_int8") }
    func testAveragePoolSamePartialWindows() async throws { try await exact("avgpool_same_partial_int8") }

    // SOFTMAX
    func testSoftmaxLargeAndEqualLogits() async throws { try await exact("softmax_large_logits_int8") }
    func testSoftmaxSmallLogits() async throws { try await exact("softmax_small_logits_int8") }

    // ADD, MUL
    func testAddTwoInputsWithDifferentScales() async throws { try await exact("add_two_inputs_int8") }
    func testAddBranchesWithDifferentScales() async throws { try await exact("add_branch_scales_int8") }
    func testMulTwoInputsWithDifferentScales() async throws { try await exact("mul_two_inputs_int8") }

    // MEAN, PAD, CONCATENATION
    func testMeanOverHeightAndWidth() async throws { try await exact("mean_hw_int8") }
    func testMeanOverHeightAndWidthKeepDims() async throws { try await exact("mean_hw_keepdims_int8") }
    func testPadWithZeroPointFarFromZero() async throws { try await exact("pad_int8") }
    func testConcatenateTwoInputs() async throws { try await exact("concat_channels_int8") }
    func testConcatenateBranches() async throws { try await exact("concat_branch_int8") }

    // float32 kernels
    func testConvFloat32() async throws { try await close("conv_float32") }
    func testDepthwiseFloat32() async throws { try await close("depthwise_float32") }
    func testFullyConnectedFloat32() async throws { try await close("fc_float32") }
    func testSoftmaxFloat32() async throws { try await close("softmax_float32") }
    func testAveragePoolFloat32() async throws { try await close("avgpool_same_partial_float32") }
    func testMeanFloat32() async throws { try await close("mean_hw_float32") }

    /// Every model in fixtures/ops, including ones added after this file was written.
    func testEveryOperatorFixtureMatchesTFLM() async throws {
        let names = try Self.allNames()
        XCTAssertGreaterThanOrEqual(names.count, 35, "fixtures/ops has fewer models than expected")
        for name in names {
            if name.hasSuffix("float32") { try await close(name) } else { try await exact(name) }
        }
    }

    /// th_plan's head equals TFLM's recorded head on every operator fixture.
    func testPlanHeadEqualsTFLMHead() throws {
        for name in try Self.allNames() {
            let model = try EngineModel(contentsOf: try FixtureFiles.require("ops/\(name).tflite"))
            XCTAssertEqual(model.plan.headBytes, try TFLMArena.load("ops", name).head, name)
        }
    }

    static func allNames() throws -> [String] {
        let folder = try FixtureFiles.require("ops")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".tflite") }.map { String($0.dropLast(".tflite".count)) }.sorted()
    }
}
