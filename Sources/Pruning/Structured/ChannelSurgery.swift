import TFLite

/// Rewrites a model without some channel units: activation shapes, weights (int8, float32, int32/int64
/// bias) sliced on their channel axes, per-channel scales and zero points sliced along
/// `quantizedDimension`, per-tensor quantization kept, RESHAPE target shapes updated.
enum ChannelSurgery {
    static func remove(units removed: [Int: Set<Int>], of graph: DependencyGraph,
                       from model: Model) throws(PruningError) -> Model {
        var result = model
        var subgraph = model.subgraphs[0]
        // channels removed per activation tensor
        var removedChannels: [Int: Set<Int>] = [:]
        for group in graph.groups {
            guard let units = removed[group.id], !units.isEmpty else { continue }
            for unit in units {
                for channel in group.units[unit].channels {
                    removedChannels[channel.tensor, default: []].insert(channel.channel)
                }
            }
        }
        var kept: [Int: [Int]] = [:]
        for (tensor, channels) in removedChannels {
            let count = subgraph.tensors[tensor].shape.last ?? 0
            kept[tensor] = (0..<count).filter { !channels.contains($0) }
        }

        func rewrite(_ tensorIndex: Int, axes: [(axis: Int, keep: [Int])], quantizedAxisKeep: [Int: [Int]]) throws(PruningError) {
            var tensor = subgraph.tensors[tensorIndex]
            guard let data = model.constantData(of: tensor) else {
                throw .malformedWeights(tensor: tensor.name, problem: "weights have no constant data")
            }
            guard let elementBytes = tensor.type.elementByteSize,
                  [TensorType.int8, .float32, .int32, .int64, .int16].contains(tensor.type) else {
                throw .unsupportedTensorType(tensor: tensor.name, type: tensor.type.name)
            }
            guard let count = tensor.elementCount, data.count >= count * elementBytes else {
                throw .malformedWeights(tensor: tensor.name, problem: "data shorter than shape \(tensor.shape)")
            }
            var bytes = Array(data.prefix(count * elementBytes))
            var shape = tensor.shape
            for (axis, keep) in axes {
                bytes = TensorGather.gather(bytes, shape: shape, elementBytes: elementBytes, axis: axis, indices: keep)
                shape[axis] = keep.count
            }
            if var quantization = tensor.quantization, quantization.isPerChannel,
               let keep = quantizedAxisKeep[quantization.quantizedDimension] {
                do { quantization = try quantization.selectingChannels(keep) } catch {
                    throw .malformedWeights(tensor: tensor.name, problem: "\(error)")
                }
                tensor.quantization = quantization
            }
            tensor.shape = shape
            if tensor.shapeSignature != nil { tensor.shapeSignature = shape }
            subgraph.tensors[tensorIndex] = tensor
            result.subgraphs[0] = subgraph
            do { try result.setConstantData(bytes, ofTensor: tensorIndex) } catch { throw PruningError(wrapping: error) }
            subgraph = result.subgraphs[0]
        }

        for (opIndex, role) in graph.weightRoles.sorted(by: { $0.key < $1.key }) {
            switch role {
            case .dense(let weights, let bias, let input, let output, let inputAxis):
                var axes: [(axis: Int, keep: [Int])] = []
                if let keep = kept[output] { axes.append((0, keep)) }
                if let keep = kept[input] { axes.append((inputAxis, keep)) }
                guard !axes.isEmpty else { continue }
                var quantKeep: [Int: [Int]] = [:]
                if let keep = kept[output] { quantKeep[0] = keep }
                if let keep = kept[input] { quantKeep[inputAxis] = keep }
                try rewrite(weights, axes: axes, quantizedAxisKeep: quantKeep)
                if let bias, let keep = kept[output] {
                    try rewrite(bias, axes: [(0, keep)], quantizedAxisKeep: [0: keep])
                }
                _ = opIndex
            case .depthwise(let weights, let bias, _, let output):
                guard let keep = kept[output] else { continue }
                try rewrite(weights, axes: [(3, keep)], quantizedAxisKeep: [3: keep])
                if let bias { try rewrite(bias, axes: [(0, keep)], quantizedAxisKeep: [0: keep]) }
            }
        }

        for (tensorIndex, keep) in kept {
            var tensor = subgraph.tensors[tensorIndex]
            tensor.shape[tensor.shape.count - 1] = keep.count
            if var signature = tensor.shapeSignature, !signature.isEmpty {
                signature[signature.count - 1] = keep.count
                tensor.shapeSignature = signature
            }
            if var quantization = tensor.quantization, quantization.isPerChannel {
                do { quantization = try quantization.selectingChannels(keep) } catch {
                    throw .malformedWeights(tensor: tensor.name, problem: "\(error)")
                }
                tensor.quantization = quantization
            }
            subgraph.tensors[tensorIndex] = tensor
        }
        result.subgraphs[0] = subgraph

        // RESHAPE: the target shape (options and shape tensor) follows the output's new shape.
        for (opIndex, op) in subgraph.operators.enumerated() where model.builtinOperator(of: op) == .reshape {
            guard let output = op.outputs.first, kept[output] != nil else { continue }
            let newShape = subgraph.tensors[output].shape
            if case .reshape(var options) = op.builtinOptions, let old = options.newShape {
                options.newShape = zip(old, newShape).map { $0 == -1 ? -1 : $1 }
                result.subgraphs[0].operators[opIndex].builtinOptions = .reshape(options)
            }
            if op.inputs.count > 1, op.inputs[1] >= 0, let data = model.constantData(of: subgraph.tensors[op.inputs[1]]),
               data.count == 4 * newShape.count {
                var bytes: [UInt8] = []
                for (i, dimension) in newShape.enumerated() {
                    let oldValue = Int32(bitPattern: UInt32(data[4 * i]) | UInt32(data[4 * i + 1]) << 8
                        | UInt32(data[4 * i + 2]) << 16 | UInt32(data[4 * i + 3]) << 24)
                    let value = UInt32(bitPattern: oldValue == -1 ? -1 : Int32(dimension))
                    bytes += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
                }
                do { try result.setConstantData(bytes, ofTensor: op.inputs[1]) } catch { throw PruningError(wrapping: error) }
            }
        }
        do { _ = try result.serialized() } catch { throw PruningError(wrapping: error) }
        return result
    }
}
