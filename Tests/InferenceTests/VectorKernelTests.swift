import XCTest

@testable import Inference

/// Every vector-kernel tier the machine offers gives TFLite Micro's outputs bit for bit, and a tier can only be
/// lowered. (Tiers the CPU lacks run as the best it has, so on any machine each check still compares with TFLM.)
final class VectorKernelTests: XCTestCase {
    static let models = [
        ("models", "lenet_int8"), ("models", "lenet_channel_pruned_int8"), ("models", "dscnn_int8"),
        ("models", "resnet_int8"), ("ops", "conv_same_stride2_even_int8"), ("ops", "conv_dilation2_int8"),
        ("ops", "conv_input_zp_127_int8"), ("ops", "conv_input_zp_minus128_int8"), ("ops", "conv_cin1_5ch_int8"),
        ("ops", "conv_deep_40ch_int8"), ("ops", "conv_wide_filter_int8"), ("ops", "avgpool_same_12ch_int8"),
        ("ops", "fc_odd_units_int8"), ("ops", "add_odd_size_int8"), ("ops", "add_branch_scales_int8"),
        ("ops", "depthwise_21ch_int8"), ("ops", "depthwise_dm2_5ch_int8"), ("ops", "depthwise_multiplier2_int8"),
        ("unseen", "kws_dscnn_int8"),
    ]

    func testEveryTierIsBitExactWithTFLM() async throws {
        for tier in VectorKernels.allCases {
            for (folder, name) in Self.models {
                let run = try await FixtureRun.run(folder, name, workerCount: 1, vectorKernels: tier)
                run.assertBitExact()
            }
        }
    }

    func testLimitingLowersButNeverRaises() throws {
        let model = try EngineModel(contentsOf: try FixtureFiles.require("models/lenet_int8.tflite"))
        let interpreter = try model.makeInterpreter()
        let best = interpreter.vectorKernels
        XCTAssertEqual(interpreter.limitVectorKernels(to: .avx512VNNI), best)
        XCTAssertEqual(interpreter.limitVectorKernels(to: .baseline), .baseline)
        XCTAssertEqual(interpreter.limitVectorKernels(to: .avx512VNNI), .baseline, "a limit must not raise the tier")
        XCTAssertEqual(interpreter.vectorKernels, .baseline)
    }
}
