import TFLite

/// Where in a model the C engine found a problem, decoded from `th_error`.
public struct EngineFaultLocation: Sendable, Equatable, CustomStringConvertible {
    /// Index of the operator at fault in subgraph 0, if any.
    public let operatorIndex: Int?
    /// That operator's builtin code and name (`CONV_2D`, ...), if known.
    public let builtinOperator: BuiltinOperator?
    public let operatorName: String?
    /// Index of the tensor at fault, if any.
    public let tensorIndex: Int?
    /// The engine's static text naming the table, field or check that failed.
    public let check: String

    public init(operatorIndex: Int?, builtinOperator: BuiltinOperator?, operatorName: String?,
                tensorIndex: Int?, check: String) {
        self.operatorIndex = operatorIndex
        self.builtinOperator = builtinOperator
        self.operatorName = operatorName
        self.tensorIndex = tensorIndex
        self.check = check
    }

    public var description: String {
        var parts: [String] = []
        if let operatorIndex {
            let name = operatorName ?? builtinOperator.map { "code \($0.rawValue)" } ?? "?"
            parts.append("operator \(operatorIndex) (\(name))")
        } else if let operatorName {
            parts.append("operator \(operatorName)")
        }
        if let tensorIndex { parts.append("tensor \(tensorIndex)") }
        let place = parts.isEmpty ? "" : parts.joined(separator: ", ") + ": "
        return place + check
    }
}

/// Everything that can go wrong loading or running a model on the host engine.
public enum InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    // Mapped from the engine's th_status.
    case modelMalformed(EngineFaultLocation)
    case unsupportedOperator(EngineFaultLocation)
    case unsupportedTensorType(EngineFaultLocation)
    case arenaTooSmall(bytesNeeded: Int, bytesAvailable: Int)
    case badArgument(EngineFaultLocation)
    case shapeMismatch(EngineFaultLocation)
    case limitExceeded(EngineFaultLocation, bytesNeeded: Int, bytesAvailable: Int)
    case engineStatus(code: Int, EngineFaultLocation)
    // Found on the Swift side.
    case unreadableModel(path: String, reason: String)
    case modelTooLarge(bytes: Int)
    case noSuchTensor(role: String, index: Int, count: Int)
    case inputMismatch(inputIndex: Int, expected: String, actual: String)
    case unsupportedIOType(role: String, index: Int, type: String)
    case invalidQuantization(inputIndex: Int, scale: Float)
    case notAClassifier(reason: String)

    public var description: String {
        switch self {
        case let .modelMalformed(at):
            return "the model is malformed: \(at)"
        case let .unsupportedOperator(at):
            return "the engine does not support \(at.operatorName ?? "this operator")"
                + (at.operatorIndex.map { " (operator \($0))" } ?? "") + ": \(at.check)"
        case let .unsupportedTensorType(at):
            return "unsupported tensor type: \(at)"
        case let .arenaTooSmall(needed, available):
            return "the arena is too small: \(needed) bytes needed, \(available) available"
        case let .badArgument(at):
            return "bad argument to the engine: \(at)"
        case let .shapeMismatch(at):
            return "tensor shapes do not fit together: \(at)"
        case let .limitExceeded(at, needed, available):
            let bytes = needed > 0 ? " (\(needed) bytes needed, \(available) available)" : ""
            return "the model exceeds an engine limit: \(at)\(bytes)"
        case let .engineStatus(code, at):
            return "engine error \(code): \(at)"
        case let .unreadableModel(path, reason):
            return "cannot read model \(path): \(reason)"
        case let .modelTooLarge(bytes):
            return "the model is \(bytes) bytes; the engine takes at most 4 GiB"
        case let .noSuchTensor(role, index, count):
            return "the model has \(count) \(role)s; there is no \(role) \(index)"
        case let .inputMismatch(index, expected, actual):
            return "input \(index) does not fit the model: expected \(expected), got \(actual)"
        case let .unsupportedIOType(role, index, type):
            return "\(role) \(index) has type \(type); only int8, uint8, int32 and float32 can be exchanged"
        case let .invalidQuantization(index, scale):
            return "input \(index) has quantization scale \(scale); cannot quantize pixels into it"
        case let .notAClassifier(reason):
            return "the model cannot be evaluated as a classifier: \(reason)"
        }
    }
}
