import TFLite

/// Channel dependencies of a TFLite model (NHWC), in the spirit of a dependency graph: every channel of every
/// activation tensor is a node, operators tie nodes together (pass-through ops, depthwise convs, ADD/MUL,
/// CONCATENATION offsets, flatten into FULLY_CONNECTED), and each connected set of nodes is one
/// ``ChannelUnit``. Units touching the same tensors form a ``DependencyGroup``.
public struct DependencyGraph: Sendable {
    public let groups: [DependencyGroup]
    /// For each operator, how its weights are sliced (nil for operators without channel weights).
    let weightRoles: [Int: WeightRole]
    /// Consumers (CONV_2D / FULLY_CONNECTED / DEPTHWISE) of each activation tensor as input 0.
    let consumers: [Int: [Int]]

    /// How an operator's weights relate to channels.
    enum WeightRole: Sendable {
        /// CONV_2D [O, kh, kw, I] or FULLY_CONNECTED [O, I]: output channels on axis 0, inputs on the last.
        case dense(weights: Int, bias: Int?, input: Int, output: Int, inputAxis: Int)
        /// DEPTHWISE_CONV_2D [1, kh, kw, C·m]: output channels on axis 3.
        case depthwise(weights: Int, bias: Int?, input: Int, output: Int)
    }

    public init(model: Model) throws(PruningError) {
        guard let graph = model.subgraphs.first else { throw .nothingToPrune("the model has no subgraph") }
        var builder = Builder(model: model, graph: graph)
        builder.build()
        groups = builder.makeGroups()
        weightRoles = builder.weightRoles
        consumers = builder.consumers
    }

    /// The group a per-layer key names: an operator index (a CONV_2D/FULLY_CONNECTED producing the group's
    /// channels) or the name of a tensor whose channels the group covers.
    public func group(forLayer key: String, in model: Model) throws(PruningError) -> DependencyGroup {
        if let index = Int(key) {
            guard let group = groups.first(where: { $0.producers.contains(index) }) else {
                let count = model.subgraphs.first?.operators.count ?? 0
                if index >= 0, index < count, let op = model.subgraphs.first?.operators[index] {
                    let name = model.builtinOperator(of: op)?.name ?? "?"
                    throw .layerNotPrunable(layer: "op \(index) \(name)",
                                            reason: "it produces no prunable channels (only CONV_2D and FULLY_CONNECTED outputs are)")
                }
                throw .unknownLayer(key)
            }
            return group
        }
        guard let group = groups.first(where: { $0.tensorNames.contains(key) }) else { throw .unknownLayer(key) }
        return group
    }
}

extension DependencyGraph {
    struct Builder {
        let model: Model
        let graph: SubGraph
        var nodeBase: [Int: Int] = [:]
        var channelCount: [Int: Int] = [:]
        var parent: [Int] = []
        var blocked: [Int: String] = [:]          // node -> reason
        var producerOps: [Int: Int] = [:]        // tensor -> CONV/FC op producing it
        var weightRoles: [Int: WeightRole] = [:]
        var consumers: [Int: [Int]] = [:]
        var tensorOfNode: [Int] = []

        init(model: Model, graph: SubGraph) {
            self.model = model
            self.graph = graph
            var next = 0
            for (index, tensor) in graph.tensors.enumerated() where model.constantData(of: tensor) == nil {
                guard let last = tensor.shape.last, last > 0, tensor.elementCount != nil else { continue }
                nodeBase[index] = next
                channelCount[index] = last
                tensorOfNode.append(contentsOf: Array(repeating: index, count: last))
                next += last
            }
            parent = Array(0..<next)
        }

        // MARK: union-find

        mutating func find(_ node: Int) -> Int {
            var root = node
            while parent[root] != root { root = parent[root] }
            var current = node
            while parent[current] != root {
                let next = parent[current]
                parent[current] = root
                current = next
            }
            return root
        }

        mutating func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }

        func node(_ tensor: Int, _ channel: Int) -> Int? {
            guard let base = nodeBase[tensor], let count = channelCount[tensor], channel < count else { return nil }
            return base + channel
        }

        /// Marks a tensor's channels unprunable; `overriding` replaces an earlier reason (graph inputs and
        /// outputs are the clearest explanation).
        mutating func block(tensor: Int, _ reason: String, overriding: Bool = false) {
            guard let base = nodeBase[tensor], let count = channelCount[tensor] else { return }
            for node in base..<(base + count) where overriding || blocked[node] == nil { blocked[node] = reason }
        }

        func isConstant(_ tensor: Int) -> Bool {
            tensor >= 0 && tensor < graph.tensors.count && model.constantData(of: graph.tensors[tensor]) != nil
        }

        func shape(_ tensor: Int) -> [Int] { graph.tensors[tensor].shape }

        /// Ties channel c of `a` to channel c of `b` (same channel count required).
        mutating func passThrough(_ a: Int, _ b: Int, reason: String) -> Bool {
            guard let ca = channelCount[a], let cb = channelCount[b], ca == cb else { return false }
            for c in 0..<ca { union(node(a, c)!, node(b, c)!) }
            return true
        }

        func int32Values(_ tensor: Int) -> [Int]? {
            guard tensor >= 0, tensor < graph.tensors.count, graph.tensors[tensor].type == .int32,
                  let data = model.constantData(of: graph.tensors[tensor]) else { return nil }
            return stride(from: 0, to: data.count - 3, by: 4).map {
                Int(Int32(bitPattern: UInt32(data[$0]) | UInt32(data[$0 + 1]) << 8
                    | UInt32(data[$0 + 2]) << 16 | UInt32(data[$0 + 3]) << 24))
            }
        }

        // MARK: operators

        mutating func build() {
            var weightUses: [Int: Int] = [:]
            for op in graph.operators {
                for input in op.inputs.dropFirst() where input >= 0 { weightUses[input, default: 0] += 1 }
            }
            for (index, op) in graph.operators.enumerated() {
                let code = model.builtinOperator(of: op) ?? .custom
                let label = "op \(index) \(code.name)"
                if !apply(index: index, op: op, code: code, weightUses: weightUses) {
                    for tensor in op.inputs + op.outputs where tensor >= 0 {
                        block(tensor: tensor, "\(label) is not supported by the channel dependency graph")
                    }
                }
            }
            for input in graph.inputs {
                block(tensor: input, "its channels come from graph input '\(graph.tensors[input].name)'", overriding: true)
            }
            for output in graph.outputs {
                block(tensor: output, "it feeds graph output '\(graph.tensors[output].name)' (the classifier's units are never pruned)", overriding: true)
            }
        }

        /// Records one operator's channel relations; false if the operator is not understood.
        mutating func apply(index: Int, op: Operator, code: BuiltinOperator, weightUses: [Int: Int]) -> Bool {
            let inputs = op.inputs, outputs = op.outputs
            guard let output = outputs.first, !inputs.isEmpty, inputs[0] >= 0 else { return false }
            let input = inputs[0]
            switch code {
            case .conv2D, .fullyConnected:
                guard inputs.count >= 2, isConstant(inputs[1]), weightUses[inputs[1]] == 1 else { return false }
                let bias = inputs.count > 2 && inputs[2] >= 0 ? inputs[2] : nil
                if let bias, !isConstant(bias) || weightUses[bias] != 1 { return false }
                let weights = shape(inputs[1])
                let inputAxis = code == .conv2D ? 3 : 1
                guard weights.count == (code == .conv2D ? 4 : 2), channelCount[input] == weights[inputAxis],
                      channelCount[output] == weights[0] else { return false }
                weightRoles[index] = .dense(weights: inputs[1], bias: bias, input: input, output: output,
                                            inputAxis: inputAxis)
                producerOps[output] = index
                consumers[input, default: []].append(index)
                return true
            case .depthwiseConv2D:
                guard inputs.count >= 2, isConstant(inputs[1]), weightUses[inputs[1]] == 1,
                      let cin = channelCount[input], let cout = channelCount[output], cout % cin == 0 else { return false }
                let bias = inputs.count > 2 && inputs[2] >= 0 ? inputs[2] : nil
                if let bias, !isConstant(bias) || weightUses[bias] != 1 { return false }
                guard shape(inputs[1]).count == 4, shape(inputs[1])[3] == cout else { return false }
                let multiplier = cout / cin
                for c in 0..<cin {
                    for k in 0..<multiplier { union(node(input, c)!, node(output, c * multiplier + k)!) }
                }
                weightRoles[index] = .depthwise(weights: inputs[1], bias: bias, input: input, output: output)
                consumers[input, default: []].append(index)
                return true
            case .averagePool2D, .maxPool2D, .relu, .relu6, .reluN1To1, .logistic, .tanh, .quantize, .dequantize,
                 .leakyRelu, .hardSwish:
                return passThrough(input, output, reason: code.name)
            case .softmax, .logSoftmax:
                // Mixes channels, so never a pass-through for pruning; coupling in and out lets the graph
                // output's reason (the classifier) reach the layer that feeds it.
                guard passThrough(input, output, reason: code.name) else { return false }
                if !graph.outputs.contains(output) {
                    block(tensor: input, "op \(index) \(code.name) normalises over channels")
                }
                return true
            case .pad, .padV2:
                guard inputs.count >= 2, let paddings = int32Values(inputs[1]), paddings.count >= 2,
                      paddings[paddings.count - 2] == 0, paddings[paddings.count - 1] == 0 else { return false }
                return passThrough(input, output, reason: code.name)
            case .mean:
                let rank = shape(input).count
                guard inputs.count >= 2, let axes = int32Values(inputs[1]),
                      !axes.contains(where: { ($0 + rank) % rank == rank - 1 }) else { return false }
                return passThrough(input, output, reason: code.name)
            case .add, .mul, .sub, .maximum, .minimum:
                guard let cout = channelCount[output] else { return false }
                for operand in inputs where operand >= 0 {
                    if isConstant(operand) {
                        if shape(operand).last.map({ $0 > 1 }) ?? false { return false }
                        continue
                    }
                    guard channelCount[operand] == cout else { return false }
                    _ = passThrough(operand, output, reason: code.name)
                }
                return true
            case .concatenation:
                guard case .concatenation(let options) = op.builtinOptions else { return false }
                let rank = shape(output).count
                let axis = (options.axis + rank) % max(rank, 1)
                if axis != rank - 1 {
                    for operand in inputs where !passThrough(operand, output, reason: code.name) { return false }
                    return true
                }
                var offset = 0
                for operand in inputs {
                    guard operand >= 0, !isConstant(operand), let count = channelCount[operand] else { return false }
                    for c in 0..<count { union(node(operand, c)!, node(output, offset + c)!) }
                    offset += count
                }
                return offset == channelCount[output]
            case .reshape:
                let from = shape(input), to = shape(output)
                guard let cin = from.last, let cout = to.last, from.count >= 2 else { return false }
                if cin == cout { return passThrough(input, output, reason: code.name) }
                // Flatten [N, H, W, C] -> [N, H·W·C]: channel c becomes features p·C + c (NHWC order).
                guard to.count == 2, to[0] == from[0], cout == from.dropFirst().reduce(1, *) else { return false }
                let positions = cout / cin
                for c in 0..<cin {
                    for p in 0..<positions { union(node(input, c)!, node(output, p * cin + c)!) }
                }
                return true
            default:
                return false
            }
        }

        // MARK: groups

        mutating func makeGroups() -> [DependencyGroup] {
            var members: [Int: [Int]] = [:]
            var order: [Int] = []
            for node in 0..<parent.count {
                let root = find(node)
                if members[root] == nil { order.append(root) }
                members[root, default: []].append(node)
            }
            struct Pending {
                var units: [ChannelUnit] = []
                var reason: String?
                var firstNode: Int
            }
            var bySignature: [[Int]: Pending] = [:]
            for root in order {
                let nodes = members[root]!
                let channels = nodes.map { TensorChannel(tensor: tensorOfNode[$0], channel: $0 - nodeBase[tensorOfNode[$0]]!) }
                let signature = Array(Set(channels.map(\.tensor))).sorted()
                let blockedNow = blocked
                var reason = nodes.lazy.compactMap { blockedNow[$0] }.first
                if reason == nil, !signature.contains(where: { producerOps[$0] != nil }) {
                    reason = "no CONV_2D or FULLY_CONNECTED produces these channels"
                }
                var pending = bySignature[signature] ?? Pending(firstNode: root)
                pending.units.append(ChannelUnit(channels: channels))
                if pending.reason == nil { pending.reason = reason }
                bySignature[signature] = pending
            }
            let sorted = bySignature.sorted { $0.value.firstNode < $1.value.firstNode }
            return sorted.enumerated().map { id, entry in
                let tensors = entry.key
                return DependencyGroup(
                    id: id,
                    producers: tensors.compactMap { producerOps[$0] }.sorted(),
                    tensors: tensors,
                    tensorNames: tensors.map { graph.tensors[$0].name },
                    units: entry.value.units,
                    blockReason: entry.value.reason)
            }
        }
    }
}
