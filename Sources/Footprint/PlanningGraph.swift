/// The facts TFLite Micro's allocator uses to plan the non-persistent arena, without the rest of a model:
/// tensor sizes, which tensors have constant data, the operator order and each kernel's scratch requests.
///
/// `requests()` turns it into `BufferRequest`s with the lifetimes TFLM's `AllocationInfoBuilder` assigns, in the
/// order TFLM hands them to its planner (tensors by index, subgraph by subgraph, then scratch buffers in the order the
/// kernels asked for them).
public struct PlanningGraph: Sendable, Hashable {
    public struct Tensor: Sendable, Hashable {
        /// Element count × element size (a tensor without a shape is a scalar: one element).
        public var bytes: Int
        /// The tensor's buffer holds data (read from flash, never planned).
        public var hasConstantData: Bool
        /// `is_variable`: TFLM puts these in the persistent tail, not the head.
        public var isVariable: Bool

        public init(bytes: Int, hasConstantData: Bool, isVariable: Bool = false) {
            self.bytes = bytes
            self.hasConstantData = hasConstantData
            self.isVariable = isVariable
        }

        /// TFLM's `needs_allocating` for online planning.
        public var isPlanned: Bool { !hasConstantData && !isVariable && bytes != 0 }
    }

    public struct Step: Sendable, Hashable {
        /// Tensor indices read by the operator; negative entries are omitted optional inputs.
        public var inputs: [Int]
        public var outputs: [Int]
        /// Bytes of each scratch buffer the kernel requests in `Prepare`, in request order.
        public var scratchBytes: [Int]

        public init(inputs: [Int], outputs: [Int], scratchBytes: [Int] = []) {
            self.inputs = inputs
            self.outputs = outputs
            self.scratchBytes = scratchBytes
        }
    }

    public struct Subgraph: Sendable, Hashable {
        public var tensors: [Tensor]
        public var inputs: [Int]
        public var outputs: [Int]
        public var steps: [Step]

        public init(tensors: [Tensor], inputs: [Int], outputs: [Int], steps: [Step]) {
            self.tensors = tensors
            self.inputs = inputs
            self.outputs = outputs
            self.steps = steps
        }
    }

    /// Subgraph 0 is the one that runs; the others (control flow bodies) are allocated but, since control-flow
    /// operators are not modelled, their buffers get TFLM's "never used" lifetime (-1, -1).
    public var subgraphs: [Subgraph]
    /// `OfflineMemoryAllocation` offsets, one per tensor of all subgraphs in order (-1 = plan online), or nil.
    public var offlineOffsets: [Int32]?
    /// Operators of subgraph 0 whose kernels request scratch buffers in a way this model does not know
    /// (custom operators, SVDF, LSTM, ...). The planned head is exact only when this is empty.
    public var unmodelledOperators: [Int] = []

    public init(subgraphs: [Subgraph], offlineOffsets: [Int32]? = nil) {
        self.subgraphs = subgraphs
        self.offlineOffsets = offlineOffsets
    }

    /// A graph of one subgraph.
    public init(tensors: [Tensor], inputs: [Int], outputs: [Int], steps: [Step], offlineOffsets: [Int32]? = nil) {
        self.init(subgraphs: [Subgraph(tensors: tensors, inputs: inputs, outputs: outputs, steps: steps)],
                  offlineOffsets: offlineOffsets)
    }

    /// The planner's input. Tensor indices out of range are ignored here (the model layer validates them).
    public func requests() -> [BufferRequest] {
        var requests: [BufferRequest] = []
        var offlineCursor = 0
        for (subgraphIndex, subgraph) in subgraphs.enumerated() {
            let lifetimes = subgraphIndex == 0
                ? Self.lifetimes(of: subgraph)
                : Array(repeating: (first: -1, last: -1), count: subgraph.tensors.count)
            for (index, tensor) in subgraph.tensors.enumerated() {
                var fixedOffset: Int?
                var planned = tensor.isPlanned
                if let offline = offlineOffsets {
                    let value = offlineCursor < offline.count ? offline[offlineCursor] : -1
                    offlineCursor += 1
                    if value >= 0 {
                        fixedOffset = Int(value)
                        // TFLM plans offline-placed variable tensors in the head as well.
                        if tensor.isVariable { planned = true }
                    }
                }
                guard planned else { continue }
                let origin: BufferRequest.Origin = subgraphIndex == 0 ? .tensor(index: index) : .abstract
                requests.append(BufferRequest(
                    bytes: tensor.bytes, firstUse: lifetimes[index].first, lastUse: lifetimes[index].last,
                    fixedOffset: fixedOffset, origin: origin))
            }
        }
        // Scratch buffers: subgraph 0's operator i lives exactly in scope i + 1 (no control flow inside it).
        for (subgraphIndex, subgraph) in subgraphs.enumerated() {
            for (operatorIndex, step) in subgraph.steps.enumerated() {
                for (slot, bytes) in step.scratchBytes.enumerated() {
                    let scope = subgraphIndex == 0 ? operatorIndex + 1 : -1
                    requests.append(BufferRequest(
                        bytes: bytes, firstUse: scope, lastUse: scope,
                        origin: subgraphIndex == 0 ? .scratch(operatorIndex: operatorIndex, slot: slot) : .abstract))
                }
            }
        }
        return requests
    }

    /// TFLM's `MarkAllocationLifetimes` for one subgraph without control flow.
    static func lifetimes(of subgraph: Subgraph) -> [(first: Int, last: Int)] {
        var life = Array(repeating: (first: -1, last: -1), count: subgraph.tensors.count)
        func created(_ index: Int, _ scope: Int) {
            guard life.indices.contains(index), life[index].first == -1 else { return }
            life[index].first = scope
        }
        func used(_ index: Int, _ scope: Int) {
            guard life.indices.contains(index) else { return }
            life[index].last = scope
        }
        for input in subgraph.inputs {
            created(input, 0)
            used(input, 0)
        }
        var scope = 0
        for step in subgraph.steps {
            scope += 1
            for output in step.outputs { created(output, scope) }
            for input in step.inputs where input >= 0 { used(input, scope) }
            for output in step.outputs { used(output, scope) }
        }
        for output in subgraph.outputs {
            created(output, scope)
            used(output, scope)
        }
        return life
    }
}
