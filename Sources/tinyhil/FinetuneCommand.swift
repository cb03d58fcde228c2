import ArgumentParser
import Foundation
import Inference
import TFLite
import Training

/// `tinyhil finetune MODEL -o OUT (--data fashion-mnist | --inputs X.npy [--labels Y.npy]) [--teacher BASELINE] ...`
struct Finetune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fine-tune a .tflite model (float32, or int8 with dequantized weights) on the host; int8 models are quantized again.",
        discussion: """
            Trains in float32 with mini-batches on every core. Labels give cross-entropy; --teacher distils from \
            another model (e.g. the unpruned baseline), which needs no labels. Weights that are exactly zero stay \
            zero (unstructured pruning survives) unless --free-zeros. The output is written to a temporary file \
            and renamed, so Ctrl-C never leaves a half-written model.
            """
    )

    @Argument(help: "Path of the .tflite model to fine-tune.")
    var model: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the fine-tuned .tflite model.")
    var output: String

    @OptionGroup var training: TrainingArguments

    func validate() throws { try training.validate() }

    func run() async throws {
        let original = try loadModel(model)
        let teacher = try training.teacher.map(loadModel)
        let result = try await training.fineTune(original, teacher: teacher)
        do { try AtomicModelWriter.write(result.model, to: URL(fileURLWithPath: output)) } catch {
            throw CommandFailure("cannot write \(output): \(error)")
        }
        let accuracy = result.summary.validationAccuracies.last.map { String(format: ", validation accuracy %.2f %%", $0 * 100) } ?? ""
        let seconds = result.summary.secondsPerEpoch.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        print("wrote \(output) (\(result.quantized ? "int8, re-quantized" : "float32")\(accuracy)); seconds per epoch: \(seconds)")
    }
}

/// The data and optimiser options shared by `finetune` and `prune --finetune-epochs`.
struct TrainingArguments: ParsableArguments {
    enum OptimizerName: String, ExpressibleByArgument { case adam, sgd }
    enum ScheduleName: String, ExpressibleByArgument { case constant, cosine }

    @Option(help: "'fashion-mnist': train on Debian's Fashion-MNIST training split (the last --validation-images held out).")
    var data: String?

    @Option(help: "A .npy of training inputs (first dimension = samples; float32, or int8/uint8 in the model's input quantization).")
    var inputs: String?

    @Option(help: "A .npy of integer labels, one per input (omit to distil from --teacher only).")
    var labels: String?

    @Option(help: "A .tflite teacher (e.g. the unpruned baseline) to distil from.")
    var teacher: String?

    @Option(help: "Epochs.")
    var epochs: Int = 2

    @Option(help: "Mini-batch size.")
    var batch: Int = 64

    @Option(help: "Learning rate.")
    var lr: Float = 1e-3

    @Option(help: "Seed of the shuffling (same seed and data → same weights).")
    var seed: UInt64 = 0

    @Option(help: "adam | sgd (with --momentum).")
    var optimizer: OptimizerName = .adam

    @Option(help: "Momentum for --optimizer sgd.")
    var momentum: Float = 0.9

    @Option(help: "constant | cosine (decays to 1 % of --lr).")
    var schedule: ScheduleName = .cosine

    @Option(help: "Distillation temperature.")
    var temperature: Float = 4

    @Option(help: "Weight of the label loss when both labels and --teacher are given (the rest is distillation).")
    var labelWeight: Float = 0.5

    @Option(help: "With --data: training images held out for validation accuracy after every epoch.")
    var validationImages: Int = 5000

    @Option(help: "Calibration samples for re-quantizing an int8 model (from the start of the training data).")
    var calibrationImages: Int = 1000

    @Option(help: "Activation ranges from this percentile (e.g. 99.99) instead of min/max when re-quantizing.")
    var percentile: Double?

    @Flag(help: "Let weights that are exactly zero change (by default they stay zero: pruned weights remain pruned).")
    var freeZeros = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard (data != nil) != (inputs != nil) else { throw ValidationError("give exactly one of --data fashion-mnist and --inputs X.npy") }
        if let data, data != "fashion-mnist" { throw ValidationError("--data: only 'fashion-mnist' is known (or give --inputs/--labels)") }
        if labels != nil, inputs == nil { throw ValidationError("--labels goes with --inputs") }
        if inputs != nil, labels == nil, teacher == nil { throw ValidationError("without --labels, give --teacher to distil from") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
        guard temperature > 0 else { throw ValidationError("--temperature must be positive") }
        guard (0...1).contains(labelWeight) else { throw ValidationError("--label-weight must be in [0, 1]") }
        if let percentile, !(50...100).contains(percentile) { throw ValidationError("--percentile must be in 50 ... 100") }
    }

    var options: TrainingOptions {
        TrainingOptions(epochs: epochs, batchSize: batch, learningRate: lr,
                        optimizer: optimizer == .adam ? .adam : .sgd(momentum: momentum),
                        schedule: schedule == .cosine ? .cosine(finalFraction: 0.01) : .constant, seed: seed,
                        loss: Loss(labelWeight: teacher == nil ? 1 : labelWeight, temperature: temperature))
    }

    /// Loads the data, trains, and returns the fine-tuned model (re-quantized when `model` is int8).
    func fineTune(_ model: Model, teacher teacherModel: Model?) async throws -> FineTuning.Result {
        let (training, validation) = try samples(for: model)
        let pipeline = FineTuning(options: options, calibrationCount: calibrationImages,
                                  rangeEstimate: percentile.map { .percentile($0) } ?? .minMax, keepZeroWeights: !freeZeros)
        let quiet = self.quiet
        do {
            return try await pipeline.run(model, data: training, validation: validation, teacher: teacherModel) { p in
                guard !quiet else { return }
                if let accuracy = p.validationAccuracy {
                    FileHandle.standardError.write(Data(String(
                        format: "epoch %d/%d done: loss %.4f, validation accuracy %.2f %%, %.0f s elapsed, %.0f s left\n",
                        p.epoch + 1, p.epochs, p.loss, accuracy * 100, p.elapsedSeconds, p.estimatedSecondsLeft).utf8))
                } else if p.batch % 100 == 0 || p.batch + 1 == p.batches {
                    FileHandle.standardError.write(Data(String(
                        format: "epoch %d/%d batch %d/%d: loss %.4f, %.0f s left\n",
                        p.epoch + 1, p.epochs, p.batch + 1, p.batches, p.loss, p.estimatedSecondsLeft).utf8))
                }
            }
        } catch let error as TrainingError {
            throw CommandFailure("\(error)")
        }
    }

    func samples(for model: Model) throws -> (TrainingSamples, TrainingSamples?) {
        if data != nil {
            do { return try TrainingSamples.fashionMNISTTraining(validationCount: validationImages) } catch {
                throw CommandFailure("cannot load Fashion-MNIST: \(error)")
            }
        }
        let inputArray: NumPyArray
        var labelArray: NumPyArray?
        do {
            inputArray = try NumPyArray(contentsOf: URL(fileURLWithPath: inputs!))
            if let labels { labelArray = try NumPyArray(contentsOf: URL(fileURLWithPath: labels)) }
        } catch {
            throw CommandFailure("cannot read the training data: \(error)")
        }
        var quantization: (scale: Float, zeroPoint: Int32)?
        if let subgraph = model.subgraphs.first, let index = subgraph.inputs.first,
           let q = subgraph.tensors[index].quantization, q.isQuantized {
            quantization = (q.scale[0], Int32(q.zeroPoint.first ?? 0))
        }
        do {
            return (try TrainingSamples(inputs: inputArray, labels: labelArray, quantization: quantization, name: inputs!), nil)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

func loadModel(_ path: String) throws -> Model {
    do { return try Model(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw CommandFailure("cannot read \(path): \(error)")
    }
}

/// A message for stderr; ArgumentParser prints it and exits non-zero.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
