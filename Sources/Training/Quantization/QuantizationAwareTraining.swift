import TFLite

/// Quantization-aware fine-tuning of a float32 model, ending in the int8 model it simulated:
/// 1. calibrate the activation ranges on the float model (as ``PostTrainingQuantizer`` does);
/// 2. train with ``FakeQuantization`` in the forward pass (weights per channel from the current weights at every
///    step, activation ranges frozen at the calibrated values), straight-through gradients;
/// 3. export the trained weights with the same frozen activation quantization, so the int8 model computes what
///    the last forward pass of training computed (up to integer rounding of the requantization).
public struct QuantizationAwareTraining: Sendable {
    public var options: TrainingOptions
    public var rangeEstimate: RangeEstimate

    public init(options: TrainingOptions, rangeEstimate: RangeEstimate = .minMax) {
        self.options = options
        self.rangeEstimate = rangeEstimate
    }

    public struct Result: Sendable {
        public var model: Model
        public var summary: TrainingSummary
        /// The frozen activation quantization, tensor index → scale and zero point.
        public var activations: [Int: AffineQuantization]
    }

    /// The graph of `model` set up for quantization-aware training: float32 parameters, activations calibrated on
    /// `calibration` and frozen.
    public func preparedGraph(_ model: Model, calibration: TrainingSamples) async throws -> TrainingGraph {
        var graph = try TrainingGraph(model: model, keepZeroWeights: true)
        guard graph.isFloatModel else {
            throw TrainingError.invalidOption("quantization-aware training starts from a float32 model; the model is already quantized (give the float32 model)")
        }
        let activations = try await PostTrainingQuantizer(estimate: rangeEstimate).calibratedActivations(graph, calibration: calibration)
        graph.fakeQuantization = FakeQuantization(graph: graph, activations: activations)
        return graph
    }

    /// Calibrates on `calibration`, trains on `data` (labels and/or distillation from `teacher`, e.g. the float
    /// model itself), and returns the int8 model.
    public func run(_ model: Model, data: TrainingSamples, calibration: TrainingSamples, validation: TrainingSamples? = nil,
                    teacher: Model? = nil, progress: (@Sendable (TrainingProgress) -> Void)? = nil) async throws -> Result {
        var graph = try await preparedGraph(model, calibration: calibration)
        let teacherGraph = try teacher.map { try TrainingGraph(model: $0, keepZeroWeights: false) }
        let summary = try await Trainer(options: options).train(&graph, on: data, teacher: teacherGraph,
                                                                 validation: validation, progress: progress)
        let activations = graph.fakeQuantization?.activations ?? [:]
        return Result(model: try PostTrainingQuantizer.export(graph, activations: activations), summary: summary,
                      activations: activations)
    }

    /// The int8 model of a graph prepared by ``preparedGraph(_:calibration:)``: its current weights with the
    /// frozen activation quantization.
    public static func export(_ graph: TrainingGraph) throws -> Model {
        guard let fakeQuantization = graph.fakeQuantization else {
            throw TrainingError.invalidOption("the graph was not prepared for quantization-aware training (no frozen activation ranges)")
        }
        return try PostTrainingQuantizer.export(graph, activations: fakeQuantization.activations)
    }
}
