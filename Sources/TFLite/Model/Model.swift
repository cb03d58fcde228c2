import Foundation

/// A TensorFlow Lite model (the root `Model` table of a `.tflite` FlatBuffer), as an editable value.
///
/// Read with ``init(bytes:)`` or ``init(contentsOf:)``, edit freely (shapes, buffers, quantization,
/// operators), write back with ``serialized()``. Everything the typed properties do not cover — metadata
/// content, signature extras, sparsity, options of other operators, fields of newer schemas — is kept in
/// `preservedFields`/``FlatTable`` values and written back unchanged.
public struct Model: Sendable, Equatable {
    /// Schema version (3 for every current converter).
    public var version: Int
    public var operatorCodes: [OperatorCode]
    /// The first subgraph is the main model.
    public var subgraphs: [SubGraph]
    public var description: String?
    /// Data buffers; `buffers[0]` is the empty sentinel that tensors without data point to.
    public var buffers: [Buffer]
    /// Deprecated `metadata_buffer` (buffer indices), nil when absent.
    public var metadataBuffer: [Int]?
    public var metadata: [Metadata]
    public var signatureDefs: [SignatureDef]
    /// Fields this version does not interpret (external buffer groups, newer slots).
    public var preservedFields: FlatTable

    public init(version: Int = 3, operatorCodes: [OperatorCode] = [], subgraphs: [SubGraph] = [],
                description: String? = nil, buffers: [Buffer] = [Buffer()], metadataBuffer: [Int]? = nil,
                metadata: [Metadata] = [], signatureDefs: [SignatureDef] = [],
                preservedFields: FlatTable = FlatTable()) {
        self.version = version
        self.operatorCodes = operatorCodes
        self.subgraphs = subgraphs
        self.description = description
        self.buffers = buffers
        self.metadataBuffer = metadataBuffer
        self.metadata = metadata
        self.signatureDefs = signatureDefs
        self.preservedFields = preservedFields
    }

    /// Reads and validates a `.tflite` FlatBuffer. Throws ``ModelError`` for anything malformed.
    public init(bytes: [UInt8]) throws {
        self = try ModelDecoder.decode(bytes)
        try validate()
    }

    /// Reads and validates a `.tflite` file.
    public init(contentsOf url: URL) throws {
        try self.init(bytes: [UInt8](try Data(contentsOf: url)))
    }

    /// Writes the model as a `.tflite` FlatBuffer: every buffer's data 16-byte aligned, `buffers[0]` the empty
    /// sentinel, both operator code fields set. Validates first; throws ``ModelError`` if the model is
    /// inconsistent or holds a field whose layout is unknown (see ``FlatTable``).
    public func serialized() throws -> [UInt8] {
        try validateSentinel()
        try validate()
        return try ModelEncoder.encode(self)
    }

    /// Writes ``serialized()`` to a file.
    public func write(to url: URL) throws {
        try Data(try serialized()).write(to: url)
    }

    // MARK: conveniences

    /// The operator code of an operator (nil if its opcode index is out of range).
    public func operatorCode(of op: Operator) -> OperatorCode? {
        operatorCodes.indices.contains(op.opcodeIndex) ? operatorCodes[op.opcodeIndex] : nil
    }

    /// The builtin operator an operator runs (nil if its opcode index is out of range).
    public func builtinOperator(of op: Operator) -> BuiltinOperator? {
        operatorCode(of: op)?.builtinCode
    }

    /// The constant data of a tensor: its buffer's bytes, or nil if it has none (activations, inputs).
    /// THS1 sparse weights (``SparseWeights``) read as their dense equivalent; ``Buffer/data`` has the stored bytes.
    public func constantData(of tensor: Tensor) -> [UInt8]? {
        guard tensor.buffer > 0, tensor.buffer < buffers.count, !buffers[tensor.buffer].data.isEmpty else {
            return nil
        }
        if !metadata.isEmpty, sparseBuffers.contains(tensor.buffer) { return decodedSparseData(of: tensor) }
        return buffers[tensor.buffer].data
    }

    /// Replaces the constant data of tensor `tensorIndex` of subgraph `subgraphIndex`. If the tensor has no
    /// buffer yet, or shares its buffer with another tensor or metadata entry, a new buffer is appended so
    /// no other tensor changes.
    public mutating func setConstantData(_ data: [UInt8], ofTensor tensorIndex: Int, inSubgraph subgraphIndex: Int = 0) throws {
        guard subgraphs.indices.contains(subgraphIndex) else {
            throw ModelError(.indexOutOfRange, at: ["subgraphs[\(subgraphIndex)]"],
                             problem: "there are \(subgraphs.count) subgraphs")
        }
        guard subgraphs[subgraphIndex].tensors.indices.contains(tensorIndex) else {
            throw ModelError(.indexOutOfRange, at: ["subgraphs[\(subgraphIndex)]", "tensors[\(tensorIndex)]"],
                             problem: "subgraph has \(subgraphs[subgraphIndex].tensors.count) tensors")
        }
        let current = subgraphs[subgraphIndex].tensors[tensorIndex].buffer
        if current > 0, current < buffers.count, referenceCount(ofBuffer: current) == 1 {
            buffers[current].data = data
        } else {
            buffers.append(Buffer(data: data))
            subgraphs[subgraphIndex].tensors[tensorIndex].buffer = buffers.count - 1
        }
    }

    /// How many tensors (all subgraphs) and metadata entries use a buffer.
    public func referenceCount(ofBuffer index: Int) -> Int {
        var count = metadata.filter { $0.buffer == index }.count
        count += (metadataBuffer ?? []).filter { $0 == index }.count
        for subgraph in subgraphs {
            count += subgraph.tensors.filter { $0.buffer == index }.count
        }
        return count
    }

    /// Bytes of a metadata entry by name (e.g. `min_runtime_version`), nil if absent.
    public func metadataBytes(named name: String) -> [UInt8]? {
        guard let entry = metadata.first(where: { $0.name == name }), buffers.indices.contains(entry.buffer) else {
            return nil
        }
        return buffers[entry.buffer].data
    }
}
