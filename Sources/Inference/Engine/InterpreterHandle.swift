import CEngine

/// One `th_interpreter` and the arena it lives in. Owns the arena; borrows the model bytes (the owner keeps them
/// alive). Not thread-safe: the engine is not re-entrant per interpreter.
final class InterpreterHandle {
    private let arena: UnsafeMutableRawBufferPointer
    let pointer: OpaquePointer

    init(model: UnsafePointer<UInt8>, modelBytes: UInt32, arenaBytes: Int) throws(InferenceError) {
        guard arenaBytes >= 0, arenaBytes <= Int(UInt32.max) else {
            throw .arenaTooSmall(bytesNeeded: arenaBytes, bytesAvailable: Int(UInt32.max))
        }
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(arenaBytes, 16), alignment: 16)
        var interpreter: OpaquePointer? = nil
        var error = th_error()
        let status = th_interpreter_init(
            &interpreter, model, modelBytes, arena.baseAddress!.assumingMemoryBound(to: UInt8.self),
            UInt32(arenaBytes), &error)
        guard status == TH_OK, let interpreter else {
            arena.deallocate()
            throw status == TH_OK
                ? .badArgument(EngineFaultLocation(operatorIndex: nil, builtinOperator: nil, operatorName: nil,
                                                   tensorIndex: nil, check: "th_interpreter_init returned no interpreter"))
                : InferenceError(status: status, error: error)
        }
        self.arena = arena
        self.pointer = interpreter
    }

    deinit { arena.deallocate() }

    var vectorKernels: VectorKernels { VectorKernels(th_simd_level(pointer)) }

    @discardableResult
    func limitVectorKernels(to highest: VectorKernels) -> VectorKernels {
        VectorKernels(th_limit_simd(pointer, highest.engineLevel))
    }

    func inputInfo(_ index: Int) throws(InferenceError) -> th_tensor_info {
        var info = th_tensor_info()
        let status = th_input(pointer, UInt32(index), &info)
        guard status == TH_OK else {
            throw .noSuchTensor(role: "input", index: index, count: Int(th_input_count(pointer)))
        }
        return info
    }

    func outputInfo(_ index: Int) throws(InferenceError) -> th_tensor_info {
        var info = th_tensor_info()
        let status = th_output(pointer, UInt32(index), &info)
        guard status == TH_OK else {
            throw .noSuchTensor(role: "output", index: index, count: Int(th_output_count(pointer)))
        }
        return info
    }

    func inputs() throws(InferenceError) -> [TensorDescription] {
        var result: [TensorDescription] = []
        for i in 0..<Int(th_input_count(pointer)) { result.append(TensorDescription(try inputInfo(i))) }
        return result
    }

    func outputs() throws(InferenceError) -> [TensorDescription] {
        var result: [TensorDescription] = []
        for i in 0..<Int(th_output_count(pointer)) { result.append(TensorDescription(try outputInfo(i))) }
        return result
    }

    func operatorCodes() -> [Int32] {
        (0..<th_operator_count(pointer)).map { th_operator_code(pointer, $0) }
    }

    func invoke() throws(InferenceError) {
        try checkEngine { th_invoke(pointer, $0) }
    }
}
