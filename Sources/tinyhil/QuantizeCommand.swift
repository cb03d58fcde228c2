import ArgumentParser
import Foundation
import Inference
import TFLite
import Training

/// `tinyhil quantize FLOAT -o INT8 (--data fashion-mnist | --calibration X.npy) [--percentile P]`
struct Quantize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Post-training int8 quantization of a float32 .tflite model with calibration data.",
        usage: "tinyhil quantize <model> --output <output> [<options>]",  // fits 80 columns; the options are listed below
        discussion: """
            Per-channel symmetric int8 weights (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED), int32 biases, \
            asymmetric int8 activations from the ranges observed on the calibration inputs (min/max, or \
            --percentile), int8 input and output. The result runs in TFLite Micro and in TinyHIL's engine.
            """
    )

    @Argument(help: "Path of a float32 .tflite model.")
    var model: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the int8 .tflite model.")
    var output: String

    @Option(help: "'fashion-mnist': calibrate on the first --calibration-images images of its training split.")
    var data: String?

    @Option(help: "A float32 .npy of calibration inputs (first dimension = samples).")
    var calibration: String?

    @Option(help: "With --data: how many calibration images.")
    var calibrationImages: Int = 1000

    @Option(help: "Activation ranges from this percentile (e.g. 99.99) instead of min/max.")
    var percentile: Double?

    func validate() throws {
        guard (data != nil) != (calibration != nil) else { throw ValidationError("give exactly one of --data fashion-mnist and --calibration X.npy") }
        if let data, data != "fashion-mnist" { throw ValidationError("--data: only 'fashion-mnist' is known (or give --calibration)") }
        guard calibrationImages >= 1 else { throw ValidationError("--calibration-images must be at least 1") }
        if let percentile, !(50...100).contains(percentile) { throw ValidationError("--percentile must be in 50 ... 100") }
    }

    func run() async throws {
        let original = try loadModel(model)
        do {
            let graph = try TrainingGraph(model: original, keepZeroWeights: false)
            guard graph.isFloatModel else {
                throw CommandFailure("\(model) is already quantized; give the float32 model")
            }
            let samples: TrainingSamples
            if data != nil {
                samples = try TrainingSamples.fashionMNISTTraining(validationCount: 0).training.subset(0..<calibrationImages)
            } else {
                let array = try NumPyArray(contentsOf: URL(fileURLWithPath: calibration!))
                samples = try TrainingSamples(inputs: array, name: calibration!)
            }
            let quantized = try await PostTrainingQuantizer(estimate: percentile.map { .percentile($0) } ?? .minMax)
                .quantize(graph, calibration: samples)
            try AtomicModelWriter.write(quantized, to: URL(fileURLWithPath: output))
            print("wrote \(output) (int8, calibrated on \(samples.count) samples)")
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(model): \(error)")
        }
    }
}
