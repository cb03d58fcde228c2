import Inference
import TFLite

/// Per-channel activity of activation tensors on calibration inputs, measured with the host engine: the mean
/// real magnitude and the average percentage of zeros (APoZ; after a fused ReLU a zero is the output zero point).
public struct ActivationStatistics: Sendable {
    public struct ChannelActivity: Sendable, Equatable {
        public var meanMagnitude: [Double]
        public var zeroFraction: [Double]
    }

    /// Keyed by tensor index of the main subgraph.
    public var tensors: [Int: ChannelActivity]

    /// Runs `inputs` (first dimension = samples, model input 0) through a copy of `model` whose outputs are
    /// `tensors`, and reduces every output over samples and positions per channel (last dimension).
    public static func measure(model: Model, tensors: [Int], inputs: NumPyArray) async throws(PruningError) -> ActivationStatistics {
        guard !tensors.isEmpty else { return ActivationStatistics(tensors: [:]) }
        var probe = model
        probe.subgraphs[0].outputs = tensors
        probe.signatureDefs = []
        let outputs: [NumPyArray]
        do {
            let engine = try EngineModel(bytes: try probe.serialized())
            outputs = try await engine.run(batches: [inputs])
        } catch {
            throw .engine("measuring activations for data-driven importance failed: \(error)")
        }
        var result: [Int: ChannelActivity] = [:]
        for (tensorIndex, array) in zip(tensors, outputs) {
            let tensor = model.subgraphs[0].tensors[tensorIndex]
            guard let channels = tensor.shape.last, channels > 0 else { continue }
            var magnitude = Array(repeating: 0.0, count: channels)
            var zeros = Array(repeating: 0.0, count: channels)
            let scale = Double(tensor.quantization?.scale.first ?? 1)
            let zeroPoint = Int(tensor.quantization?.zeroPoint.first ?? 0)
            switch array.elementType {
            case .int8:
                for (e, byte) in array.bytes.enumerated() {
                    let q = Int(Int8(bitPattern: byte)) - zeroPoint
                    magnitude[e % channels] += abs(Double(q) * scale)
                    if q <= 0 { zeros[e % channels] += 1 }
                }
            case .float32:
                let values: [Float]
                do { values = try array.values() } catch { throw .engine("\(error)") }
                for (e, value) in values.enumerated() {
                    magnitude[e % channels] += Double(abs(value))
                    if value <= 0 { zeros[e % channels] += 1 }
                }
            default:
                throw .unsupportedTensorType(tensor: tensor.name, type: array.elementType.rawValue)
            }
            let perChannel = Double(max(1, array.elementCount / channels))
            result[tensorIndex] = ChannelActivity(meanMagnitude: magnitude.map { $0 / perChannel },
                                                  zeroFraction: zeros.map { $0 / perChannel })
        }
        return ActivationStatistics(tensors: result)
    }

    /// Importance of each unit of `group`: averaged over the group's producer outputs, the mean magnitude
    /// (normalised by the group's largest) or 1 − APoZ.
    func scores(of group: DependencyGroup, graph: DependencyGraph, model: Model,
                criterion: ChannelCriterion) throws(PruningError) -> [Double] {
        let measured = group.tensors.filter { tensors[$0] != nil }
        guard !measured.isEmpty else {
            throw .engine("no activation statistics for \(group.label); measure the group's producer outputs first")
        }
        var scores = Array(repeating: 0.0, count: group.units.count)
        for (u, unit) in group.units.enumerated() {
            var sum = 0.0, count = 0.0
            for channel in unit.channels {
                guard let activity = tensors[channel.tensor], measured.contains(channel.tensor) else { continue }
                sum += criterion == .apoz ? 1 - activity.zeroFraction[channel.channel] : activity.meanMagnitude[channel.channel]
                count += 1
            }
            scores[u] = count > 0 ? sum / count : 0
        }
        return scores
    }
}
