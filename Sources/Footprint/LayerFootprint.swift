import TFLite

/// What one operator costs: its parameters, multiply-accumulates, weight and activation bytes.
public struct LayerFootprint: Sendable, Hashable, Codable {
    /// Position in subgraph 0's execution order.
    public var index: Int
    /// Schema name of the operator, e.g. `CONV_2D`.
    public var operatorName: String
    public var builtinCode: Int32
    /// Shapes of the non-constant inputs (activations), in input order.
    public var inputShapes: [[Int]]
    public var outputShapes: [[Int]]
    /// Elements of the constant inputs that are learned parameters (weights, biases, constant operands);
    /// configuration inputs such as RESHAPE's shape or MEAN's axes are not counted.
    public var parameters: Int
    /// Multiply-accumulates of one inference (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED only; 0 otherwise).
    public var macs: Int
    /// Bytes of all constant inputs' data as stored in the model (parameters and configuration).
    public var weightBytes: Int
    /// Bytes of the non-constant inputs and outputs as TFLite Micro holds them.
    public var activationBytes: Int
    /// Weight elements (parameters without biases) that sparsity is measured over.
    public var weightElements: Int
    /// How many of `weightElements` are exactly zero (quantized value equal to its zero point).
    public var zeroWeightElements: Int

    /// Fraction of zero weights, nil when the operator has no weights.
    public var sparsity: Double? {
        weightElements > 0 ? Double(zeroWeightElements) / Double(weightElements) : nil
    }
}

/// Multiply-accumulate counting, MLPerf Tiny style: only the multiply-accumulates of CONV_2D,
/// DEPTHWISE_CONV_2D and FULLY_CONNECTED are counted (taps in padding included, as the usual per-output
/// formula does); pooling, ADD, MUL, MEAN, SOFTMAX and all other operators count 0.
public enum MACCount {
    /// Why a count could not be given.
    public enum Problem: Error, Equatable, Sendable {
        /// The filter does not have the rank the operator needs.
        case filterRank
        /// The product exceeds `Int.max`: the shapes cannot belong to a model that runs.
        case overflow
    }

    /// - CONV_2D: output elements (N·H·W·C_out) × k_h × k_w × C_in (filter [C_out, k_h, k_w, C_in]).
    /// - DEPTHWISE_CONV_2D: output elements × k_h × k_w (filter [1, k_h, k_w, C_out]).
    /// - FULLY_CONNECTED: output elements × input features (filter [units, features]).
    /// - Throws: `.filterRank` for a filter of the wrong rank; `.overflow` for a negative factor or a product
    ///   that does not fit in `Int`.
    public static func macs(
        operator code: BuiltinOperator, outputElements: Int, filterShape: [Int]?
    ) throws(Problem) -> Int {
        let factors: [Int]
        switch code {
        case .conv2D:
            guard let f = filterShape, f.count == 4 else { throw .filterRank }
            factors = [f[1], f[2], f[3]]
        case .depthwiseConv2D:
            guard let f = filterShape, f.count == 4 else { throw .filterRank }
            factors = [f[1], f[2]]
        case .fullyConnected:
            guard let f = filterShape, f.count == 2 else { throw .filterRank }
            factors = [f[1]]
        default:
            return 0
        }
        guard outputElements >= 0, factors.allSatisfy({ $0 >= 0 }) else { throw .overflow }
        var product = outputElements
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw .overflow }
            product = next
        }
        return product
    }
}
