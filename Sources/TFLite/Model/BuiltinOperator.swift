/// A TFLite builtin operator code. A struct rather than an enum so codes this version does not name
/// (newer schemas) are still representable and survive a round trip.
public struct BuiltinOperator: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let add = BuiltinOperator(0)
    public static let averagePool2D = BuiltinOperator(1)
    public static let concatenation = BuiltinOperator(2)
    public static let conv2D = BuiltinOperator(3)
    public static let depthwiseConv2D = BuiltinOperator(4)
    public static let depthToSpace = BuiltinOperator(5)
    public static let dequantize = BuiltinOperator(6)
    public static let floor = BuiltinOperator(8)
    public static let fullyConnected = BuiltinOperator(9)
    public static let l2Pool2D = BuiltinOperator(12)
    public static let logistic = BuiltinOperator(14)
    public static let maxPool2D = BuiltinOperator(17)
    public static let mul = BuiltinOperator(18)
    public static let relu = BuiltinOperator(19)
    public static let reluN1To1 = BuiltinOperator(20)
    public static let relu6 = BuiltinOperator(21)
    public static let reshape = BuiltinOperator(22)
    public static let resizeBilinear = BuiltinOperator(23)
    public static let softmax = BuiltinOperator(25)
    public static let tanh = BuiltinOperator(28)
    public static let custom = BuiltinOperator(32)
    public static let pad = BuiltinOperator(34)
    public static let transpose = BuiltinOperator(39)
    public static let mean = BuiltinOperator(40)
    public static let sub = BuiltinOperator(41)
    public static let div = BuiltinOperator(42)
    public static let squeeze = BuiltinOperator(43)
    public static let stridedSlice = BuiltinOperator(45)
    public static let logSoftmax = BuiltinOperator(50)
    public static let cast = BuiltinOperator(53)
    public static let prelu = BuiltinOperator(54)
    public static let maximum = BuiltinOperator(55)
    public static let minimum = BuiltinOperator(57)
    public static let padV2 = BuiltinOperator(60)
    public static let transposeConv = BuiltinOperator(67)
    public static let sum = BuiltinOperator(74)
    public static let pack = BuiltinOperator(83)
    public static let unpack = BuiltinOperator(88)
    public static let leakyRelu = BuiltinOperator(98)
    public static let quantize = BuiltinOperator(114)
    public static let hardSwish = BuiltinOperator(117)
    public static let batchMatMul = BuiltinOperator(126)
    /// Codes above this value only fit `OperatorCode.builtin_code` (the deprecated int8 field saturates here).
    public static let placeholderForGreaterOpCodes = BuiltinOperator(127)

    /// The schema's name, e.g. `CONV_2D`; `BUILTIN_<n>` for codes this version does not know.
    public var name: String {
        let index = Int(rawValue)
        return index >= 0 && index < Self.schemaNames.count ? Self.schemaNames[index] : "BUILTIN_\(rawValue)"
    }

    public var description: String { name }
}
