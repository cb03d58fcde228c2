import TFLite

/// Why a model could not be trained or quantized. Every case says what is wrong and what to do.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An operator the float32 trainer has no forward/backward pass for.
    case untrainableOperator(index: Int, name: String)
    /// An operator option or shape the trainer does not handle (e.g. broadcasting ADD).
    case unsupportedConfiguration(operatorIndex: Int, name: String, problem: String)
    /// A weight or bias tensor without data, or of a type that cannot become float32.
    case missingFloatWeights(tensor: String, problem: String)
    /// A quantized tensor without the scale/zero point needed to dequantize it.
    case missingQuantization(tensor: String)
    /// The model does not have exactly one input and one output, or no subgraph.
    case unsupportedGraph(String)
    /// Inputs whose per-sample size differs from the model's input.
    case inputShapeMismatch(expected: [Int], actual: [Int])
    /// Labels whose count differs from the number of inputs.
    case labelCountMismatch(inputs: Int, labels: Int)
    /// A label outside `0 ..< classCount`.
    case labelOutOfRange(index: Int, label: Int, classCount: Int)
    /// Neither labels nor a teacher: nothing to learn from.
    case noTrainingSignal
    /// A teacher whose output does not have as many classes as the student.
    case teacherMismatch(String)
    /// The loss became NaN or infinite.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)
    /// Options out of range (epochs, batch size, learning rate, temperature, ...).
    case invalidOption(String)
    /// Data to train or calibrate on is empty.
    case emptyData(String)
    /// The trained or quantized model could not be written.
    case model(ModelError)

    public var description: String {
        switch self {
        case .untrainableOperator(let index, let name):
            return "operator \(index) (\(name)) cannot be trained: the trainer has forward and backward passes for "
                + "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD, RESHAPE, SOFTMAX, "
                + "MEAN, PAD, CONCATENATION, RELU, RELU6, QUANTIZE and DEQUANTIZE; replace the operator or train the "
                + "model in its original framework."
        case .unsupportedConfiguration(let index, let name, let problem):
            return "operator \(index) (\(name)): \(problem); the trainer does not support this configuration."
        case .missingFloatWeights(let tensor, let problem):
            return "tensor \"\(tensor)\": \(problem); give a float32 model or an int8 model with constant weights."
        case .missingQuantization(let tensor):
            return "tensor \"\(tensor)\" is quantized but has no scale/zero point, so it cannot be dequantized; "
                + "re-export the model with quantization parameters or give the float32 model."
        case .unsupportedGraph(let problem):
            return "\(problem); the trainer needs one subgraph with one input and one output."
        case .inputShapeMismatch(let expected, let actual):
            return "inputs have per-sample shape \(actual) but the model expects \(expected); give inputs of the model's shape."
        case .labelCountMismatch(let inputs, let labels):
            return "\(labels) labels for \(inputs) inputs; give one label per input."
        case .labelOutOfRange(let index, let label, let classCount):
            return "label \(label) at index \(index) is outside 0..<\(classCount) (the model's output size); check the labels file."
        case .noTrainingSignal:
            return "no labels and no teacher: give labels (--labels or --data) or a teacher model (--teacher) to distil from."
        case .teacherMismatch(let problem):
            return "the teacher does not fit the student: \(problem)."
        case .nonFiniteLoss(let epoch, let batch, let value):
            return "the loss became \(value) at epoch \(epoch + 1), batch \(batch + 1); lower the learning rate (--lr) or check the inputs for NaNs."
        case .invalidOption(let problem):
            return problem
        case .emptyData(let what):
            return "\(what) is empty; give at least one sample."
        case .model(let error):
            return "the model could not be written: \(error)"
        }
    }
}
