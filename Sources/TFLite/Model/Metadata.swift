/// A named metadata entry (`Model.metadata`) whose content is ``Model/buffers``[buffer].
/// Known names: `min_runtime_version`, `CONVERSION_METADATA` (a nested FlatBuffer), `OfflineMemoryAllocation`.
public struct Metadata: Sendable, Equatable {
    public var name: String
    public var buffer: Int
    public var preservedFields: FlatTable

    public init(name: String, buffer: Int, preservedFields: FlatTable = FlatTable()) {
        self.name = name
        self.buffer = buffer
        self.preservedFields = preservedFields
    }
}

/// A signature (named entry point) mapping names to tensors of one subgraph.
public struct SignatureDef: Sendable, Equatable {
    /// A named tensor of a signature.
    public struct TensorMap: Sendable, Equatable {
        public var name: String
        public var tensorIndex: Int
        public var preservedFields: FlatTable
        public init(name: String, tensorIndex: Int, preservedFields: FlatTable = FlatTable()) {
            self.name = name
            self.tensorIndex = tensorIndex
            self.preservedFields = preservedFields
        }
    }

    public var inputs: [TensorMap]
    public var outputs: [TensorMap]
    public var signatureKey: String?
    public var subgraphIndex: Int
    /// Fields this version does not interpret (the deprecated tag, newer slots).
    public var preservedFields: FlatTable

    public init(inputs: [TensorMap] = [], outputs: [TensorMap] = [], signatureKey: String? = nil,
                subgraphIndex: Int = 0, preservedFields: FlatTable = FlatTable()) {
        self.inputs = inputs
        self.outputs = outputs
        self.signatureKey = signatureKey
        self.subgraphIndex = subgraphIndex
        self.preservedFields = preservedFields
    }
}
