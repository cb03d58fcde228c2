/// One operator of a subgraph, in execution order.
public struct Operator: Sendable, Equatable {
    /// Index into ``Model/operatorCodes``.
    public var opcodeIndex: Int
    /// Tensor indices; -1 marks an omitted optional input (e.g. no bias).
    public var inputs: [Int]
    public var outputs: [Int]
    public var builtinOptions: BuiltinOptions
    public var customOptions: [UInt8]?
    public var customOptionsFormat: UInt8
    public var mutatingVariableInputs: [Bool]
    public var intermediates: [Int]
    /// Fields this version does not interpret (builtin_options_2, large custom options, debug
    /// metadata index, newer slots), carried through unchanged.
    public var preservedFields: FlatTable

    public init(opcodeIndex: Int, inputs: [Int], outputs: [Int], builtinOptions: BuiltinOptions = .none,
                customOptions: [UInt8]? = nil, customOptionsFormat: UInt8 = 0,
                mutatingVariableInputs: [Bool] = [], intermediates: [Int] = [],
                preservedFields: FlatTable = FlatTable()) {
        self.opcodeIndex = opcodeIndex
        self.inputs = inputs
        self.outputs = outputs
        self.builtinOptions = builtinOptions
        self.customOptions = customOptions
        self.customOptionsFormat = customOptionsFormat
        self.mutatingVariableInputs = mutatingVariableInputs
        self.intermediates = intermediates
        self.preservedFields = preservedFields
    }
}
