import CEngine

/// Runs one model on the host with the C engine, one input at a time.
///
/// Each interpreter owns its arena and is not `Sendable`: the engine is not thread-safe per interpreter. To use
/// several cores, make one interpreter per thread or task from a shared `EngineModel` (as `EngineModel.run(batch:)`
/// does).
public final class Interpreter {
    public let model: EngineModel
    private let handle: InterpreterHandle
    /// Bytes of arena this interpreter owns.
    public let arenaBytes: Int

    public init(model: EngineModel, arenaBytes: Int? = nil) throws(InferenceError) {
        let bytes = arenaBytes ?? model.plan.arenaBytesRequired
        self.model = model
        self.arenaBytes = bytes
        self.handle = try InterpreterHandle(model: model.modelPointer, modelBytes: UInt32(model.byteCount),
                                            arenaBytes: bytes)
    }

    /// The vector kernels this interpreter runs (the best the CPU supports unless lowered).
    public var vectorKernels: VectorKernels { handle.vectorKernels }

    /// Lowers the vector kernels to at most `highest` (never raises them); returns the tier now in effect.
    @discardableResult
    public func limitVectorKernels(to highest: VectorKernels) -> VectorKernels {
        handle.limitVectorKernels(to: highest)
    }

    public var inputs: [TensorDescription] { model.inputs }
    public var outputs: [TensorDescription] { model.outputs }

    /// Copies raw bytes (in the tensor's own type, little-endian) into input `index`.
    /// - Throws: `InferenceError.inputMismatch` when the byte count differs from the tensor's.
    public func setInput<Bytes: Collection<UInt8>>(_ index: Int, bytes: Bytes) throws(InferenceError) {
        let info = try handle.inputInfo(index)
        guard bytes.count == Int(info.bytes), let data = info.data else {
            throw .inputMismatch(inputIndex: index, expected: "\(info.bytes) bytes (\(TensorDescription(info)))",
                                 actual: "\(bytes.count) bytes")
        }
        let destination = UnsafeMutableRawBufferPointer(start: data, count: Int(info.bytes))
        // one memcpy for arrays and slices; element by element only for other collections
        let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
            destination.copyMemory(from: UnsafeRawBufferPointer(source))
        }
        if copied == nil { destination.copyBytes(from: bytes) }
    }

    /// Runs the model once on the inputs set so far.
    public func invoke() throws(InferenceError) {
        try handle.invoke()
    }

    /// Raw bytes of output `index` (the model's output type, little-endian).
    public func outputBytes(_ index: Int = 0) throws(InferenceError) -> [UInt8] {
        let info = try handle.outputInfo(index)
        guard let data = info.data else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: data, count: Int(info.bytes)))
    }

    /// Appends output `index`'s raw bytes to `buffer` without an intermediate array.
    func appendOutput(_ index: Int, to buffer: inout [UInt8]) throws(InferenceError) {
        let info = try handle.outputInfo(index)
        guard let data = info.data else { return }
        buffer.append(contentsOf: UnsafeRawBufferPointer(start: data, count: Int(info.bytes)))
    }

    /// Sets input 0, runs, and returns output 0's raw bytes.
    public func run<Bytes: Collection<UInt8>>(input bytes: Bytes) throws(InferenceError) -> [UInt8] {
        try setInput(0, bytes: bytes)
        try invoke()
        return try outputBytes(0)
    }
}
