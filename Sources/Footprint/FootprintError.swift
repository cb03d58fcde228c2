/// Why the footprint of a model could not be computed. Each case names the tensor or operator at fault.
public enum FootprintError: Error, Equatable, CustomStringConvertible {
    case noSubgraphs
    case tensorIndexOutOfRange(subgraph: Int, operatorIndex: Int, tensorIndex: Int)
    case operatorCodeOutOfRange(operatorIndex: Int, opcodeIndex: Int)
    case unknownDimension(tensorIndex: Int, shape: [Int])
    case unsupportedTensorType(tensorIndex: Int, typeName: String)
    case sizeOverflow(tensorIndex: Int)
    /// A dimension larger than the int32 a `.tflite` file can store.
    case dimensionTooLarge(tensorIndex: Int, shape: [Int])
    /// An operator's multiply-accumulate count (output elements × filter dimensions) overflows 64 bits.
    case macOverflow(operatorIndex: Int, operatorName: String, outputElements: Int, filterShape: [Int])
    /// A model-wide total (`quantity`, e.g. multiply-accumulates) overflows 64 bits at `operatorIndex`.
    case totalOverflow(quantity: String, operatorIndex: Int)
    case malformedOperator(operatorIndex: Int, operatorName: String, problem: String)
    case malformedOfflinePlan(problem: String)
    case plan(ArenaPlanError)

    public var description: String {
        switch self {
        case .noSubgraphs:
            return "the model has no subgraphs, so there is nothing to run; re-export it from the converter"
        case let .tensorIndexOutOfRange(subgraph, op, tensor):
            return "subgraph \(subgraph) operator \(op) references tensor \(tensor), which does not exist; "
                + "the model is damaged or was edited inconsistently"
        case let .operatorCodeOutOfRange(op, opcode):
            return "operator \(op) uses operator code \(opcode), which does not exist; the model is damaged"
        case let .unknownDimension(tensor, shape):
            return "tensor \(tensor) has shape \(shape) with an unknown (negative) dimension; TFLite Micro needs "
                + "fixed shapes: convert with a fixed batch size and input size"
        case let .unsupportedTensorType(tensor, type):
            return "tensor \(tensor) has type \(type), which TFLite Micro cannot place in its arena; "
                + "use int8, int16, int32 or float32 tensors"
        case let .sizeOverflow(tensor):
            return "tensor \(tensor) is too large to address (its byte size overflows); the shape is not plausible"
        case let .dimensionTooLarge(tensor, shape):
            return "tensor \(tensor) has shape \(shape), with a dimension above 2^31 - 1 that a .tflite file cannot "
                + "hold; the model was edited into an impossible shape"
        case let .macOverflow(op, name, outputs, filter):
            return "operator \(op) (\(name)): its multiply-accumulates (\(outputs) output elements × filter \(filter)) "
                + "exceed 2^63; the shapes are not plausible, the model is damaged or hostile"
        case let .totalOverflow(quantity, op):
            return "the model's total \(quantity) exceeds 2^63 at operator \(op); the shapes are not plausible"
        case let .malformedOperator(op, name, problem):
            return "operator \(op) (\(name)): \(problem)"
        case let .malformedOfflinePlan(problem):
            return "OfflineMemoryAllocation metadata: \(problem); remove the metadata or regenerate it for this model"
        case let .plan(error):
            return error.description
        }
    }
}
