import ArgumentParser
import Foundation
import Inference
import TFLite
import Training

/// `tinyhil quantize FLOAT -o INT8 (--data fashion-mnist | --calibration X.npy [--labels Y.npy]) [--percentile P]
/// [--qat-epochs N]`
struct Quantize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "int8 quantization of a float32 .tflite model: post-training, or quantization-aware with --qat-epochs.",
        usage: "tinyhil quantize <model> --output <output> [<options>]",  // fits 80 columns; the options are listed below
        discussion: """
            Per-channel symmetric int8 weights (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED), int32 biases, \
            asymmetric int8 activations from the ranges observed on the calibration inputs (min/max, or \
            --percentile), int8 input and output. The result runs in TFLite Micro and in TinyHIL's engine.

            With --qat-epochs N the float model is fine-tuned with the int8 model simulated in its forward pass \
            (weights rounded per channel at every step, activation ranges calibrated once and frozen, \
            straight-through gradients) and exported with those frozen ranges. It trains on Fashion-MNIST's \
            training split (--data) or on the --calibration inputs with --labels; without labels it distils from \
            the float model itself.
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

    @Option(help: "With --calibration and --qat-epochs: a .npy of integer labels, one per input.")
    var labels: String?

    @Option(help: "With --data: how many calibration images.")
    var calibrationImages: Int = 1000

    @Option(help: "Activation ranges from this percentile (e.g. 99.99) instead of min/max.")
    var percentile: Double?

    @Option(help: "Quantization-aware fine-tuning epochs (0: post-training quantization only).")
    var qatEpochs: Int = 0

    @Option(help: "With --qat-epochs: learning rate (Adam, cosine decay to 1 %).")
    var qatLr: Float = 1e-4

    @Option(help: "With --qat-epochs: mini-batch size.")
    var batch: Int = 64

    @Option(help: "With --qat-epochs: seed of the shuffling.")
    var seed: UInt64 = 0

    @Option(help: "With --qat-epochs and --data: training images held out to report validation accuracy.")
    var validationImages: Int = 5000

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard qatEpochs >= 0 else { throw ValidationError("--qat-epochs must be 0 or more") }
        if qatEpochs > 0, data == nil, calibration == nil {
            throw ValidationError("--qat-epochs needs training data: give --data fashion-mnist, or --calibration X.npy (with --labels Y.npy, or none to distil from the float model)")
        }
        guard (data != nil) != (calibration != nil) else { throw ValidationError("give exactly one of --data fashion-mnist and --calibration X.npy") }
        if let data, data != "fashion-mnist" { throw ValidationError("--data: only 'fashion-mnist' is known (or give --calibration)") }
        if labels != nil, calibration == nil { throw ValidationError("--labels goes with --calibration") }
        if labels != nil, qatEpochs == 0 { throw ValidationError("--labels is only used for quantization-aware training; add --qat-epochs N") }
        guard calibrationImages >= 1 else { throw ValidationError("--calibration-images must be at least 1") }
        if let percentile, !(50...100).contains(percentile) { throw ValidationError("--percentile must be in 50 ... 100") }
        guard qatLr > 0, qatLr.isFinite else { throw ValidationError("--qat-lr must be positive") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard validationImages >= 0 else { throw ValidationError("--validation-images must be 0 or more") }
    }

    func run() async throws {
        let original = try loadModel(model)
        do {
            let graph = try TrainingGraph(model: original, keepZeroWeights: false)
            guard graph.isFloatModel else {
                throw CommandFailure("\(model) is already quantized; give the float32 model")
            }
            let estimate: RangeEstimate = percentile.map { .percentile($0) } ?? .minMax
            let (training, validation, calibrationSamples) = try samples()
            if qatEpochs == 0 {
                let quantized = try await PostTrainingQuantizer(estimate: estimate).quantize(graph, calibration: calibrationSamples)
                try AtomicModelWriter.write(quantized, to: URL(fileURLWithPath: output))
                print("wrote \(output) (int8, calibrated on \(calibrationSamples.count) samples)")
                return
            }
            let distil = training.labels == nil
            let options = TrainingOptions(epochs: qatEpochs, batchSize: batch, learningRate: qatLr, optimizer: .adam,
                                          schedule: .cosine(finalFraction: 0.01), seed: seed)
            let result = try await QuantizationAwareTraining(options: options, rangeEstimate: estimate)
                .run(original, data: training, calibration: calibrationSamples, validation: validation,
                     teacher: distil ? original : nil, progress: quiet ? nil : Self.report)
            try AtomicModelWriter.write(result.model, to: URL(fileURLWithPath: output))
            let accuracy = result.summary.validationAccuracies.last.map {
                String(format: ", fake-quantized validation accuracy %.2f %%", $0 * 100)
            } ?? ""
            print("wrote \(output) (int8, quantization-aware: \(qatEpochs) epochs on \(training.count) samples"
                + "\(distil ? " distilled from the float model" : ""), activation ranges frozen from \(calibrationSamples.count) calibration samples\(accuracy))")
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(model): \(error)")
        }
    }

    /// Training, validation and calibration samples from the options.
    func samples() throws -> (training: TrainingSamples, validation: TrainingSamples?, calibration: TrainingSamples) {
        if data != nil {
            let all = try TrainingSamples.fashionMNISTTraining(validationCount: 0).training
            let calibrationSamples = all.subset(0..<min(calibrationImages, all.count))
            guard qatEpochs > 0 else { return (calibrationSamples, nil, calibrationSamples) }
            let (training, validation) = try TrainingSamples.fashionMNISTTraining(validationCount: validationImages)
            return (training, validation, calibrationSamples)
        }
        let inputs: NumPyArray, labelArray: NumPyArray?
        do {
            inputs = try NumPyArray(contentsOf: URL(fileURLWithPath: calibration!))
            labelArray = try labels.map { try NumPyArray(contentsOf: URL(fileURLWithPath: $0)) }
        } catch {
            throw CommandFailure("cannot read the calibration data: \(error)")
        }
        let samples = try TrainingSamples(inputs: inputs, labels: labelArray, name: calibration!)
        return (samples, nil, samples)
    }

    @Sendable static func report(_ p: TrainingProgress) {
        if let accuracy = p.validationAccuracy {
            FileHandle.standardError.write(Data(String(
                format: "QAT epoch %d/%d done: loss %.4f, fake-quantized validation accuracy %.2f %%, %.0f s left\n",
                p.epoch + 1, p.epochs, p.loss, accuracy * 100, p.estimatedSecondsLeft).utf8))
        } else if p.batch % 100 == 0 || p.batch + 1 == p.batches {
            FileHandle.standardError.write(Data(String(
                format: "QAT epoch %d/%d batch %d/%d: loss %.4f, %.0f s left\n",
                p.epoch + 1, p.epochs, p.batch + 1, p.batches, p.loss, p.estimatedSecondsLeft).utf8))
        }
    }
}
