/// The `builtin_options` union of an operator: typed for the operators TinyHIL works with, kept as
/// schema-decoded data (``FlatUnion``) for every other options table.
public enum BuiltinOptions: Sendable, Equatable {
    case none
    case conv2D(Conv2DOptions)
    case depthwiseConv2D(DepthwiseConv2DOptions)
    /// MAX_POOL_2D, AVERAGE_POOL_2D, L2_POOL_2D.
    case pool2D(Pool2DOptions)
    case fullyConnected(FullyConnectedOptions)
    case softmax(SoftmaxOptions)
    case concatenation(ConcatenationOptions)
    case add(AddOptions)
    case reshape(ReshapeOptions)
    case mul(MulOptions)
    case pad(EmptyOptions)
    /// MEAN, SUM, REDUCE_MAX, ...
    case reducer(ReducerOptions)
    case dequantize(EmptyOptions)
    case quantize(EmptyOptions)
    /// Any other options table: union type value and content.
    case other(FlatUnion)

    /// The `BuiltinOptions` union type value written to `builtin_options_type`.
    public var unionType: UInt8 {
        switch self {
        case .none: 0
        case .conv2D: 1
        case .depthwiseConv2D: 2
        case .pool2D: 5
        case .fullyConnected: 8
        case .softmax: 9
        case .concatenation: 10
        case .add: 11
        case .reshape: 17
        case .mul: 21
        case .pad: 22
        case .reducer: 27
        case .dequantize: 38
        case .quantize: 89
        case .other(let union): union.type
        }
    }

    /// The fused activation, for options that have one.
    public var fusedActivation: ActivationFunction? {
        switch self {
        case .conv2D(let options): options.fusedActivation
        case .depthwiseConv2D(let options): options.fusedActivation
        case .pool2D(let options): options.fusedActivation
        case .fullyConnected(let options): options.fusedActivation
        case .concatenation(let options): options.fusedActivation
        case .add(let options): options.fusedActivation
        case .mul(let options): options.fusedActivation
        default: nil
        }
    }
}

/// Options tables without fields (PadOptions, QuantizeOptions, DequantizeOptions).
public struct EmptyOptions: Sendable, Equatable {
    public var preservedFields: FlatTable
    public init(preservedFields: FlatTable = FlatTable()) { self.preservedFields = preservedFields }
}

public struct Conv2DOptions: Sendable, Equatable {
    public var padding: Padding
    public var strideWidth: Int
    public var strideHeight: Int
    public var fusedActivation: ActivationFunction
    public var dilationWidthFactor: Int
    public var dilationHeightFactor: Int
    /// Bias/accumulator type for version ≥ 8 (FLOAT32 = 0 means not set).
    public var quantizedBiasType: TensorType
    public var preservedFields: FlatTable

    public init(padding: Padding = .same, strideWidth: Int = 1, strideHeight: Int = 1,
                fusedActivation: ActivationFunction = .none, dilationWidthFactor: Int = 1,
                dilationHeightFactor: Int = 1, quantizedBiasType: TensorType = .float32,
                preservedFields: FlatTable = FlatTable()) {
        self.padding = padding
        self.strideWidth = strideWidth
        self.strideHeight = strideHeight
        self.fusedActivation = fusedActivation
        self.dilationWidthFactor = dilationWidthFactor
        self.dilationHeightFactor = dilationHeightFactor
        self.quantizedBiasType = quantizedBiasType
        self.preservedFields = preservedFields
    }
}

public struct DepthwiseConv2DOptions: Sendable, Equatable {
    public var padding: Padding
    public var strideWidth: Int
    public var strideHeight: Int
    public var depthMultiplier: Int
    public var fusedActivation: ActivationFunction
    public var dilationWidthFactor: Int
    public var dilationHeightFactor: Int
    public var preservedFields: FlatTable

    public init(padding: Padding = .same, strideWidth: Int = 1, strideHeight: Int = 1, depthMultiplier: Int = 1,
                fusedActivation: ActivationFunction = .none, dilationWidthFactor: Int = 1,
                dilationHeightFactor: Int = 1, preservedFields: FlatTable = FlatTable()) {
        self.padding = padding
        self.strideWidth = strideWidth
        self.strideHeight = strideHeight
        self.depthMultiplier = depthMultiplier
        self.fusedActivation = fusedActivation
        self.dilationWidthFactor = dilationWidthFactor
        self.dilationHeightFactor = dilationHeightFactor
        self.preservedFields = preservedFields
    }
}

public struct Pool2DOptions: Sendable, Equatable {
    public var padding: Padding
    public var strideWidth: Int
    public var strideHeight: Int
    public var filterWidth: Int
    public var filterHeight: Int
    public var fusedActivation: ActivationFunction
    public var preservedFields: FlatTable

    public init(padding: Padding = .same, strideWidth: Int = 1, strideHeight: Int = 1, filterWidth: Int = 1,
                filterHeight: Int = 1, fusedActivation: ActivationFunction = .none,
                preservedFields: FlatTable = FlatTable()) {
        self.padding = padding
        self.strideWidth = strideWidth
        self.strideHeight = strideHeight
        self.filterWidth = filterWidth
        self.filterHeight = filterHeight
        self.fusedActivation = fusedActivation
        self.preservedFields = preservedFields
    }
}

public struct FullyConnectedOptions: Sendable, Equatable {
    public var fusedActivation: ActivationFunction
    /// 0 = DEFAULT, 1 = SHUFFLED4x16INT8.
    public var weightsFormat: Int8
    public var keepNumDims: Bool
    public var asymmetricQuantizeInputs: Bool
    public var quantizedBiasType: TensorType
    public var preservedFields: FlatTable

    public init(fusedActivation: ActivationFunction = .none, weightsFormat: Int8 = 0, keepNumDims: Bool = false,
                asymmetricQuantizeInputs: Bool = false, quantizedBiasType: TensorType = .float32,
                preservedFields: FlatTable = FlatTable()) {
        self.fusedActivation = fusedActivation
        self.weightsFormat = weightsFormat
        self.keepNumDims = keepNumDims
        self.asymmetricQuantizeInputs = asymmetricQuantizeInputs
        self.quantizedBiasType = quantizedBiasType
        self.preservedFields = preservedFields
    }
}

public struct SoftmaxOptions: Sendable, Equatable {
    public var beta: Float
    public var preservedFields: FlatTable
    public init(beta: Float = 0, preservedFields: FlatTable = FlatTable()) {
        self.beta = beta
        self.preservedFields = preservedFields
    }
}

public struct ConcatenationOptions: Sendable, Equatable {
    public var axis: Int
    public var fusedActivation: ActivationFunction
    public var preservedFields: FlatTable
    public init(axis: Int = 0, fusedActivation: ActivationFunction = .none, preservedFields: FlatTable = FlatTable()) {
        self.axis = axis
        self.fusedActivation = fusedActivation
        self.preservedFields = preservedFields
    }
}

public struct AddOptions: Sendable, Equatable {
    public var fusedActivation: ActivationFunction
    public var potScaleInt16: Bool
    public var preservedFields: FlatTable
    public init(fusedActivation: ActivationFunction = .none, potScaleInt16: Bool = true,
                preservedFields: FlatTable = FlatTable()) {
        self.fusedActivation = fusedActivation
        self.potScaleInt16 = potScaleInt16
        self.preservedFields = preservedFields
    }
}

public struct MulOptions: Sendable, Equatable {
    public var fusedActivation: ActivationFunction
    public var preservedFields: FlatTable
    public init(fusedActivation: ActivationFunction = .none, preservedFields: FlatTable = FlatTable()) {
        self.fusedActivation = fusedActivation
        self.preservedFields = preservedFields
    }
}

public struct ReshapeOptions: Sendable, Equatable {
    /// Target shape; nil when the file leaves it out (the shape input tensor is used instead).
    public var newShape: [Int]?
    public var preservedFields: FlatTable
    public init(newShape: [Int]? = nil, preservedFields: FlatTable = FlatTable()) {
        self.newShape = newShape
        self.preservedFields = preservedFields
    }
}

public struct ReducerOptions: Sendable, Equatable {
    public var keepDims: Bool
    public var preservedFields: FlatTable
    public init(keepDims: Bool = false, preservedFields: FlatTable = FlatTable()) {
        self.keepDims = keepDims
        self.preservedFields = preservedFields
    }
}
