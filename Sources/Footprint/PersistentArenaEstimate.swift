import TFLite

/// Struct sizes of TFLite Micro's persistent ("tail") allocations for one build of it.
///
/// `cortexM32` is the deployment target: a 32-bit Arm build (GCC, AAPCS short enums) with the plain
/// `MicroAllocator` and without TFLM compression support. `host64Recording` is what the fixtures were recorded
/// with: the `tflite-micro` PyPI build on x86-64 (compression support compiled in) and the
/// `RecordingMicroAllocator`, used only to measure this estimate's error against real figures.
/// Sizes were taken with `sizeof` on the TFLM headers for each ABI (arm-none-eabi-g++ and x86-64 g++);
/// the few that differ in the PyPI build were read off the fixtures' recorded allocations.
public struct TFLMBuildProfile: Sendable, Hashable {
    public var name: String
    public var pointerBytes: Int
    /// `TfLiteEvalTensor`, one per tensor of every subgraph.
    public var evalTensorBytes: Int
    /// `NodeAndRegistration`, one per operator.
    public var nodeAndRegistrationBytes: Int
    /// `TfLiteTensor` made persistent for each model input and output.
    public var persistentTensorBytes: Int
    /// `TfLiteAffineQuantization` of a quantized input/output tensor.
    public var affineQuantizationBytes: Int
    /// Arena allocator, memory planner, `MicroAllocator` and builtin-data allocator objects (one entry each).
    public var allocatorObjectsBytes: [Int]
    /// `SubgraphAllocations`, one per subgraph.
    public var subgraphAllocationBytes: Int
    /// Kernel buffers (`AllocatePersistentBuffer`) are aligned to this.
    public var kernelBufferAlignment: Int = 16
    /// Kernel `OpData` per operator (from the kernel's `Init`), by builtin code.
    public var kernelDataBytes: [Int32: Int]
    /// Parsed builtin options per operator, by builtin code.
    public var builtinDataBytes: [Int32: Int]
    /// Assumed for operators missing from the tables above.
    public var unknownOperatorBytes: Int

    public static let cortexM32 = TFLMBuildProfile(
        name: "32-bit Cortex-M (plain MicroAllocator)",
        pointerBytes: 4, evalTensorBytes: 12, nodeAndRegistrationBytes: 32, persistentTensorBytes: 32,
        affineQuantizationBytes: 12,
        // SingleArenaBufferAllocator 36 + GreedyMemoryPlanner 44 + MicroAllocator 36 + builtin-data allocator 8
        allocatorObjectsBytes: [36, 44, 36, 8], subgraphAllocationBytes: 8,
        kernelDataBytes: [
            3: 56, 4: 56, 9: 48, 25: 56, 0: 60, 18: 36, 40: 44, 74: 44, 114: 32, 6: 32, 1: 32, 17: 32,
            34: 56, 60: 56, 2: 24, 22: 0,
        ],
        builtinDataBytes: [3: 28, 4: 28, 1: 40, 17: 40, 9: 8, 25: 4, 0: 4, 18: 4, 22: 36, 40: 4, 74: 4, 2: 8,
                           34: 4, 60: 4],
        unknownOperatorBytes: 64)

    public static let host64Recording = TFLMBuildProfile(
        name: "x86-64 tflite-micro PyPI build (RecordingMicroAllocator)",
        pointerBytes: 8, evalTensorBytes: 24, nodeAndRegistrationBytes: 64, persistentTensorBytes: 64,
        affineQuantizationBytes: 24,
        // RecordingSingleArenaBufferAllocator 104 + GreedyMemoryPlanner 72 + RecordingMicroAllocator 248
        // + builtin-data allocator 16
        allocatorObjectsBytes: [104, 72, 248, 16], subgraphAllocationBytes: 16,
        kernelDataBytes: [
            3: 80, 4: 80, 9: 72, 25: 80, 0: 60, 18: 36, 40: 44, 74: 44, 114: 32, 6: 32, 1: 32, 17: 32,
            34: 56, 60: 56, 2: 80, 22: 0,
        ],
        builtinDataBytes: [3: 28, 4: 28, 1: 40, 17: 40, 9: 16, 25: 4, 0: 8, 18: 4, 22: 36, 40: 1, 74: 1, 2: 8,
                           34: 1, 60: 1],
        unknownOperatorBytes: 96)
}

/// An estimate of TFLite Micro's persistent arena ("tail") for a model, split by what it holds.
///
/// It is an estimate: it counts the structures TFLM allocates (see `docs/footprint.md`) with every allocation
/// rounded up to 16 bytes, an upper bound of the alignment padding between them. It does not know int16 softmax
/// lookup tables or kernels outside the supported operator set (those get `unknownOperatorBytes`).
/// Against the 64-bit fixtures its error is within `knownErrorBytes`; add a margin (Prepare needs temporary
/// room beyond what stays allocated).
public struct PersistentArenaEstimate: Sendable, Hashable, Codable {
    public var profileName: String
    public var allocatorObjectsBytes: Int
    /// Eval tensors of all subgraphs.
    public var tensorRecordsBytes: Int
    /// Node records and parsed builtin options.
    public var operatorRecordsBytes: Int
    /// Kernel OpData and per-channel multiplier/shift arrays.
    public var kernelDataBytes: Int
    /// Persistent TfLiteTensors, their quantization and the pointer arrays of model inputs and outputs.
    public var inputOutputBytes: Int
    /// Scratch buffer handles.
    public var scratchHandlesBytes: Int
    /// Measured bound of the estimate's error on the fixtures (see docs/footprint.md).
    public var knownErrorBytes: Int

    public var totalBytes: Int {
        allocatorObjectsBytes + tensorRecordsBytes + operatorRecordsBytes + kernelDataBytes + inputOutputBytes
            + scratchHandlesBytes
    }

    /// Largest |estimate - recorded tail| seen on the 64-bit fixtures, plus the allocator padding the model
    /// leaves out; see docs/footprint.md for the measurement.
    public static let knownErrorBytes = 128

    public init(model: Model, scratchBufferCount: Int, profile: TFLMBuildProfile = .cortexM32) {
        func round(_ bytes: Int, _ alignment: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }
        let kernelAlign = profile.kernelBufferAlignment
        let pointer = profile.pointerBytes
        // Every allocation padded to the arena alignment: an upper bound of the padding TFLM inserts when a
        // 16-aligned buffer follows a smaller-aligned one.
        func align(_ bytes: Int) -> Int { round(bytes, kernelAlign) }

        profileName = profile.name
        allocatorObjectsBytes = profile.allocatorObjectsBytes.reduce(0) { $0 + align($1) }
            + align(profile.subgraphAllocationBytes * model.subgraphs.count)
        knownErrorBytes = Self.knownErrorBytes

        var tensors = 0
        var operators = 0
        var kernels = 0
        for subgraph in model.subgraphs {
            tensors += align(profile.evalTensorBytes * subgraph.tensors.count)
            operators += align(profile.nodeAndRegistrationBytes * subgraph.operators.count)
            for op in subgraph.operators {
                let code = model.builtinOperator(of: op)?.rawValue ?? -1
                operators += align(profile.builtinDataBytes[code] ?? 0)
                let known = profile.kernelDataBytes[code]
                if let bytes = known, bytes > 0 { kernels += round(bytes, kernelAlign) }
                if known == nil { kernels += profile.unknownOperatorBytes }
                for arrayBytes in Self.perChannelArrays(op, code: code, in: subgraph) {
                    kernels += round(arrayBytes, kernelAlign)
                }
            }
        }
        tensorRecordsBytes = tensors
        operatorRecordsBytes = operators
        kernelDataBytes = kernels

        var io = 0
        if let main = model.subgraphs.first {
            for list in [main.inputs, main.outputs] {
                io += round(pointer * list.count, kernelAlign)
                for index in list where main.tensors.indices.contains(index) {
                    io += align(profile.persistentTensorBytes)
                    if let q = main.tensors[index].quantization, q.isQuantized {
                        io += align(profile.affineQuantizationBytes)
                        io += align(4 + 4 * q.zeroPoint.count)
                    }
                }
            }
        }
        inputOutputBytes = io
        scratchHandlesBytes = scratchBufferCount > 0 ? round(pointer * scratchBufferCount, kernelAlign) : 0
    }

    /// The per-channel int32 multiplier and shift arrays conv, depthwise and per-channel FC kernels keep.
    /// A channel count outside 0...Int32.max (no file can hold one; `ModelFootprint` refuses such models with
    /// `FootprintError.dimensionTooLarge`) is clamped to that range, so the estimate never traps.
    static func perChannelArrays(_ op: Operator, code: Int32, in subgraph: SubGraph) -> [Int] {
        perChannelCounts(op, code: code, in: subgraph).map { 4 * min(max($0, 0), Int(Int32.max)) }
    }

    private static func perChannelCounts(_ op: Operator, code: Int32, in subgraph: SubGraph) -> [Int] {
        guard op.inputs.count > 1, op.inputs[1] >= 0, op.inputs[1] < subgraph.tensors.count else { return [] }
        let filter = subgraph.tensors[op.inputs[1]]
        switch code {
        case BuiltinOperator.conv2D.rawValue:
            guard let channels = filter.shape.first else { return [] }
            return [channels, channels]
        case BuiltinOperator.depthwiseConv2D.rawValue:
            guard filter.shape.count == 4 else { return [] }
            return [filter.shape[3], filter.shape[3]]
        case BuiltinOperator.fullyConnected.rawValue:
            guard let q = filter.quantization, q.scale.count > 1,
                  op.inputs[0] >= 0, op.inputs[0] < subgraph.tensors.count,
                  [TensorType.int8, .int16].contains(subgraph.tensors[op.inputs[0]].type) else { return [] }
            return [q.scale.count, q.scale.count]
        default:
            return []
        }
    }
}
