import TFLite

/// How channel units are ranked: a norm of all weights that touch a unit, aggregated over the group
/// (`l1`, `l2`), or data-driven on calibration inputs run through the host engine (`meanActivation`: mean
/// real magnitude of the channel's output; `apoz`: 1 − average percentage of zeros after the activation).
public enum ChannelCriterion: String, Sendable, CaseIterable {
    case l1, l2
    case meanActivation = "mean-activation"
    case apoz

    public var isDataDriven: Bool { self == .meanActivation || self == .apoz }
}

/// Importance scores of the units of a group. For each weight slice kind (a producer's output filters, a
/// depthwise conv's filters, a consumer's input columns) the unit's norm is divided by the largest norm of
/// that slice kind in the group, then the normalised norms are summed — so every layer of the group counts
/// equally whatever its size or scale. int8 weights are dequantized (per-channel scales) first.
enum ChannelImportance {
    static func scores(of group: DependencyGroup, in graph: DependencyGraph, model: Model,
                       criterion: ChannelCriterion) throws(PruningError) -> [Double] {
        let subgraph = model.subgraphs[0]
        var cache: [Int: ConstantValues] = [:]
        func values(_ tensor: Int) throws(PruningError) -> ConstantValues {
            if let cached = cache[tensor] { return cached }
            let t = subgraph.tensors[tensor]
            guard let data = model.constantData(of: t) else {
                throw .malformedWeights(tensor: t.name, problem: "weights have no constant data")
            }
            let read = try ConstantValues(tensor: t, data: data)
            cache[tensor] = read
            return read
        }
        func norm(_ v: ConstantValues, axis: Int, index: Int) -> Double {
            var sum = 0.0
            if criterion == .l2 {
                v.forEach(alongAxis: axis, index: index) { sum += Double($0) * Double($0) }
            } else {
                v.forEach(alongAxis: axis, index: index) { sum += Double(abs($0)) }
            }
            return criterion == .l2 ? sum.squareRoot() : sum
        }
        // slice key: (operator, axis) -> per unit norm
        var perSlice: [String: [Double]] = [:]
        for (unitIndex, unit) in group.units.enumerated() {
            for channel in unit.channels {
                for (opIndex, role) in graph.weightRoles {
                    let (weights, axis): (Int, Int)
                    switch role {
                    case .dense(let w, _, let input, let output, let inputAxis):
                        if output == channel.tensor { (weights, axis) = (w, 0) }
                        else if input == channel.tensor { (weights, axis) = (w, inputAxis) }
                        else { continue }
                    case .depthwise(let w, _, _, let output):
                        guard output == channel.tensor else { continue }
                        (weights, axis) = (w, 3)
                    }
                    let key = "\(opIndex):\(axis)"
                    let value = norm(try values(weights), axis: axis, index: channel.channel)
                    var row = perSlice[key] ?? Array(repeating: 0, count: group.units.count)
                    row[unitIndex] += criterion == .l2 ? value * value : value
                    perSlice[key] = row
                }
            }
        }
        var scores = Array(repeating: 0.0, count: group.units.count)
        for (_, var row) in perSlice {
            if criterion == .l2 { row = row.map { $0.squareRoot() } }
            let largest = row.max() ?? 0
            guard largest > 0 else { continue }
            for i in row.indices { scores[i] += row[i] / largest }
        }
        return scores
    }
}
