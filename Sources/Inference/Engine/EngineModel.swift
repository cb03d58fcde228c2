import CEngine
import Foundation
import TFLite

/// A `.tflite` model checked and planned by the C engine, ready to make `Interpreter`s from.
///
/// Immutable and `Sendable`: share one across threads and give each thread its own `Interpreter`.
/// The model bytes live in one allocation owned by this object that is never written after `init`, which is
/// what the engine needs (it reads the FlatBuffer in place for as long as an interpreter lives). That is why the
/// `@unchecked Sendable` is sound: every stored property is a `let`, and the only pointer is to memory that is
/// written once before `init` returns and only read (by the engine, through `const` pointers) afterwards.
public final class EngineModel: @unchecked Sendable {
    /// The bytes, 16-byte aligned, written once in `init` and read-only afterwards.
    private let storage: UnsafeMutableRawBufferPointer
    public let plan: EnginePlan
    public let inputs: [TensorDescription]
    public let outputs: [TensorDescription]
    /// Builtin operator codes of subgraph 0, in execution order.
    public let operators: [BuiltinOperator]

    public var byteCount: Int { storage.count }
    var modelPointer: UnsafePointer<UInt8> { UnsafePointer(storage.baseAddress!.assumingMemoryBound(to: UInt8.self)) }

    /// Checks and plans `bytes` with the engine.
    /// - Throws: `InferenceError` naming the operator, tensor or check at fault.
    public init(bytes: [UInt8]) throws(InferenceError) {
        guard bytes.count <= Int(UInt32.max) else { throw .modelTooLarge(bytes: bytes.count) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        storage.copyBytes(from: bytes)
        let modelBytes = UInt32(bytes.count)
        let model = UnsafePointer(storage.baseAddress!.assumingMemoryBound(to: UInt8.self))
        do {
            plan = try Self.plan(model: model, modelBytes: modelBytes)
            // Read the tensor descriptions from a throw-away interpreter.
            let probe = try InterpreterHandle(model: model, modelBytes: modelBytes,
                                              arenaBytes: plan.arenaBytesRequired)
            inputs = try probe.inputs()
            outputs = try probe.outputs()
            operators = probe.operatorCodes().map { BuiltinOperator($0) }
        } catch {
            storage.deallocate()
            throw error
        }
        self.storage = UnsafeMutableRawBufferPointer(start: storage.baseAddress, count: bytes.count)
    }

    /// Reads and plans a `.tflite` file.
    public convenience init(contentsOf url: URL) throws(InferenceError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableModel(path: url.path, reason: error.localizedDescription)
        }
        try self.init(bytes: [UInt8](data))
    }

    deinit { storage.deallocate() }

    private static func plan(model: UnsafePointer<UInt8>, modelBytes: UInt32) throws(InferenceError) -> EnginePlan {
        let scratchBytes = Int(th_plan_scratch_bytes(model, modelBytes))
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(scratchBytes, 16), alignment: 16)
        defer { scratch.deallocate() }
        var info = th_plan_info()
        try checkEngine { th_plan_with_scratch(model, modelBytes, scratch, UInt32(scratchBytes), &info, $0) }
        return EnginePlan(headBytes: Int(info.head_bytes), persistentBytes: Int(info.persistent_bytes),
                          arenaBytesRequired: Int(info.arena_bytes_required))
    }

    /// A new interpreter with its own arena (`plan.arenaBytesRequired` bytes unless given).
    public func makeInterpreter(arenaBytes: Int? = nil) throws(InferenceError) -> Interpreter {
        try Interpreter(model: self, arenaBytes: arenaBytes)
    }

    /// The input tensor `index`, or `InferenceError.noSuchTensor`.
    public func input(_ index: Int = 0) throws(InferenceError) -> TensorDescription {
        guard inputs.indices.contains(index) else { throw .noSuchTensor(role: "input", index: index, count: inputs.count) }
        return inputs[index]
    }

    /// The output tensor `index`, or `InferenceError.noSuchTensor`.
    public func output(_ index: Int = 0) throws(InferenceError) -> TensorDescription {
        guard outputs.indices.contains(index) else {
            throw .noSuchTensor(role: "output", index: index, count: outputs.count)
        }
        return outputs[index]
    }
}
