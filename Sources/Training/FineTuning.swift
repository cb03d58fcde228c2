import Foundation
import Inference
import TFLite

/// The pipeline from a (pruned) model to a fine-tuned model of the same kind: read the graph (dequantizing an int8
/// model), train it, then write float32 weights back (float model) or quantize it again (int8 model) with
/// calibration samples from the training data.
public struct FineTuning: Sendable {
    public var options: TrainingOptions
    /// Calibration samples for re-quantizing an int8 model (taken from the start of the training data).
    public var calibrationCount: Int
    public var rangeEstimate: RangeEstimate
    public var keepZeroWeights: Bool

    public init(options: TrainingOptions, calibrationCount: Int = 1000, rangeEstimate: RangeEstimate = .minMax,
                keepZeroWeights: Bool = true) {
        self.options = options
        self.calibrationCount = calibrationCount
        self.rangeEstimate = rangeEstimate
        self.keepZeroWeights = keepZeroWeights
    }

    public struct Result: Sendable {
        public var model: Model
        public var summary: TrainingSummary
        /// True when the result was re-quantized to int8.
        public var quantized: Bool
    }

    public func run(_ model: Model, data: TrainingSamples, validation: TrainingSamples? = nil, teacher: Model? = nil,
                    progress: (@Sendable (TrainingProgress) -> Void)? = nil) async throws -> Result {
        var graph = try TrainingGraph(model: model, keepZeroWeights: keepZeroWeights)
        let teacherGraph = try teacher.map { try TrainingGraph(model: $0, keepZeroWeights: false) }
        let summary = try await Trainer(options: options).train(&graph, on: data, teacher: teacherGraph,
                                                                 validation: validation, progress: progress)
        if graph.isFloatModel {
            return Result(model: try graph.floatModel(), summary: summary, quantized: false)
        }
        let calibration = data.subset(0..<min(max(calibrationCount, 1), data.count))
        let quantized = try await PostTrainingQuantizer(estimate: rangeEstimate).quantize(graph, calibration: calibration)
        return Result(model: quantized, summary: summary, quantized: true)
    }
}

extension TrainingSamples {
    /// Fashion-MNIST's training split (Debian's dataset-fashion-mnist) as pixel/255: the first
    /// `count − validationCount` images to train on and the last `validationCount` to validate on (never the
    /// test split).
    public static func fashionMNISTTraining(validationCount: Int = 5000) throws -> (training: TrainingSamples, validation: TrainingSamples?) {
        let all = TrainingSamples(images: try FashionMNIST.load(.train))
        let held = max(0, min(validationCount, all.count - 1))
        guard held > 0 else { return (all, nil) }
        return (all.subset(0..<(all.count - held)), all.subset((all.count - held)..<all.count))
    }

    /// Fashion-MNIST's test split (10,000 images) as pixel/255 with labels.
    public static func fashionMNISTTest() throws -> TrainingSamples {
        TrainingSamples(images: try FashionMNIST.load(.test))
    }
}

/// Writes a model next to its destination and renames it into place, so an interrupted run (Ctrl-C) never leaves
/// a half-written file at `url`.
public enum AtomicModelWriter {
    public static func write(_ model: Model, to url: URL) throws {
        let bytes = try model.serialized()
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        try Data(bytes).write(to: temporary)
        // rename(2) replaces the destination atomically within one file system.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw TrainingError.invalidOption("cannot move the model into \(url.path): \(reason)")
        }
    }
}
