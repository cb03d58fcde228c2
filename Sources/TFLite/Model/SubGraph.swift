/// A subgraph (the first one is the main model): tensors and operators in execution order.
public struct SubGraph: Sendable, Equatable {
    public var tensors: [Tensor]
    /// Tensor indices of the subgraph's inputs and outputs.
    public var inputs: [Int]
    public var outputs: [Int]
    public var operators: [Operator]
    public var name: String?
    /// Fields this version does not interpret (debug_metadata_index, newer slots).
    public var preservedFields: FlatTable

    public init(tensors: [Tensor] = [], inputs: [Int] = [], outputs: [Int] = [], operators: [Operator] = [],
                name: String? = nil, preservedFields: FlatTable = FlatTable()) {
        self.tensors = tensors
        self.inputs = inputs
        self.outputs = outputs
        self.operators = operators
        self.name = name
        self.preservedFields = preservedFields
    }
}
