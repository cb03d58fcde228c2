/// A tensor of a subgraph: shape, element type, where its constant data lives, quantization.
public struct Tensor: Sendable, Equatable {
    /// Dimensions (NHWC for images). Operators with unknown dimensions use `shapeSignature` for -1s.
    public var shape: [Int]
    public var type: TensorType
    /// Index into ``Model/buffers``; 0 (the empty sentinel) for tensors without constant data.
    public var buffer: Int
    public var name: String
    /// Present (possibly with empty arrays) when the file has a quantization table for this tensor.
    public var quantization: QuantizationParameters?
    public var isVariable: Bool
    /// `sparsity` (SparsityParameters) carried through unchanged; TFLite Micro does not support it.
    public var sparsity: FlatTable?
    /// Shape with -1 for dimensions unknown at conversion time; nil when the file has none.
    public var shapeSignature: [Int]?
    public var hasRank: Bool
    /// Fields this version does not interpret (variant_tensors, external_buffer, newer slots).
    public var preservedFields: FlatTable

    public init(shape: [Int], type: TensorType, buffer: Int = 0, name: String = "",
                quantization: QuantizationParameters? = nil, isVariable: Bool = false,
                sparsity: FlatTable? = nil, shapeSignature: [Int]? = nil, hasRank: Bool = false,
                preservedFields: FlatTable = FlatTable()) {
        self.shape = shape
        self.type = type
        self.buffer = buffer
        self.name = name
        self.quantization = quantization
        self.isVariable = isVariable
        self.sparsity = sparsity
        self.shapeSignature = shapeSignature
        self.hasRank = hasRank
        self.preservedFields = preservedFields
    }

    /// Number of elements (1 for a scalar), nil if a dimension is unknown (negative).
    public var elementCount: Int? { Shape.elementCount(shape) }

    /// Bytes the tensor's data occupies (packed for sub-byte types), nil if unknown.
    public var byteCount: Int? { elementCount.flatMap { type.byteCount(elementCount: $0) } }
}
