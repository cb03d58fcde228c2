import TFLite

/// Which weights unstructured pruning zeroes.
public enum WeightSelection: Sendable, Equatable {
    /// The smallest |w| (real values: int8 weights dequantized with their per-channel scales).
    case magnitude
    /// A uniformly random subset, reproducible from the seed.
    case random(seed: UInt64)
}

/// Whether one threshold applies to all layers or each layer reaches the target on its own.
public enum SparsityScope: Sendable, Equatable {
    case perLayer
    case global
}

/// The shape of what is zeroed, along the innermost (input-channel) axis of a weight tensor
/// (CONV_2D [O,kh,kw,I], FULLY_CONNECTED [O,I], DEPTHWISE_CONV_2D [1,kh,kw,C]).
public enum SparsityPattern: Sendable, Equatable {
    /// Any single weight.
    case elementwise
    /// Blocks of `length` consecutive weights (1×4: `length` 4) zeroed together, ranked by their L1 norm.
    case block(length: Int)
    /// In every run of `m` consecutive weights at most `n` stay non-zero (2:4 = `n` 2, `m` 4); the target
    /// sparsity is then `1 − n/m` whatever is requested.
    case nOfM(n: Int, m: Int)
}

/// Achieved sparsity of one weight tensor.
public struct LayerSparsity: Sendable, Equatable {
    public var operatorIndex: Int
    public var operatorName: String
    public var tensorName: String
    public var elements: Int
    public var zerosBefore: Int
    public var zerosAfter: Int
    public var sparsity: Double { elements > 0 ? Double(zerosAfter) / Double(elements) : 0 }
}

public struct WeightPruningResult: Sendable {
    public var model: Model
    public var layers: [LayerSparsity]
    /// Zero weights over all pruned tensors.
    public var sparsity: Double {
        let elements = layers.reduce(0) { $0 + $1.elements }
        return elements > 0 ? Double(layers.reduce(0) { $0 + $1.zerosAfter }) / Double(elements) : 0
    }
}

/// Unstructured pruning of CONV_2D, DEPTHWISE_CONV_2D (included, unlike TF-MOT) and FULLY_CONNECTED
/// weights to a target sparsity. Shapes stay; int8 weights are set to their zero point (real 0) so scales
/// are kept; float32 weights to 0. Per layer a tensor keeps `max(round(size·(1 − s)), 1)` weights (TF-MOT).
public struct WeightPruner: Sendable {
    public var selection: WeightSelection
    public var scope: SparsityScope
    public var pattern: SparsityPattern

    public init(selection: WeightSelection = .magnitude, scope: SparsityScope = .perLayer,
                pattern: SparsityPattern = .elementwise) {
        self.selection = selection
        self.scope = scope
        self.pattern = pattern
    }

    public func prune(_ model: Model, sparsity: Double) throws(PruningError) -> WeightPruningResult {
        guard sparsity.isFinite, sparsity >= 0, sparsity < 1 else { throw .invalidRatio(sparsity, what: "sparsity") }
        switch pattern {
        case .elementwise: break
        case .block(let length):
            guard length >= 1 else { throw .invalidRatio(Double(length), what: "block length (must be ≥ 1);") }
        case .nOfM(let n, let m):
            guard m >= 1, n >= 1, n < m else { throw .invalidRatio(Double(n) / Double(max(m, 1)), what: "N:M pattern \(n):\(m) (need 1 ≤ N < M); N/M") }
        }
        guard let subgraph = model.subgraphs.first else { throw .nothingToPrune("the model has no subgraph") }
        var targets: [(op: Int, name: String, tensor: Int, values: ConstantValues)] = []
        var seen = Set<Int>()
        for (index, op) in subgraph.operators.enumerated() {
            guard let code = model.builtinOperator(of: op), [.conv2D, .depthwiseConv2D, .fullyConnected].contains(code),
                  op.inputs.count > 1, op.inputs[1] >= 0, !seen.contains(op.inputs[1]) else { continue }
            let tensor = subgraph.tensors[op.inputs[1]]
            guard let data = model.constantData(of: tensor) else { continue }
            seen.insert(op.inputs[1])
            targets.append((index, code.name, op.inputs[1], try ConstantValues(tensor: tensor, data: data)))
        }
        guard !targets.isEmpty else { throw .nothingToPrune("the model has no constant CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED weights") }

        // Score blocks (a block is one weight for .elementwise) per tensor.
        var generator = SplitMix64(seed: { if case .random(let seed) = selection { return seed } else { return 0 } }())
        var masks: [[Bool]] = []   // true = zero this weight
        switch pattern {
        case .nOfM(let n, let m):
            for target in targets {
                masks.append(nOfMMask(target.values, n: n, m: m, generator: &generator))
            }
        case .elementwise, .block:
            let length: Int = { if case .block(let l) = pattern { return l } else { return 1 } }()
            let scored = targets.map { blockScores($0.values, length: length, generator: &generator) }
            switch scope {
            case .perLayer:
                for (i, scores) in scored.enumerated() {
                    let keep = max(Int((Double(scores.count) * (1 - sparsity)).rounded()), 1)
                    let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
                    var zeroBlock = Array(repeating: true, count: scores.count)
                    for b in order.prefix(keep) { zeroBlock[b] = false }
                    masks.append(expand(zeroBlock, values: targets[i].values, length: length))
                }
            case .global:
                var all: [(score: Double, tensor: Int, block: Int)] = []
                for (i, scores) in scored.enumerated() { for (b, s) in scores.enumerated() { all.append((s, i, b)) } }
                let keep = max(Int((Double(all.count) * (1 - sparsity)).rounded()), 1)
                all.sort { $0.score != $1.score ? $0.score > $1.score : ($0.tensor, $0.block) < ($1.tensor, $1.block) }
                var zeroBlocks = scored.map { Array(repeating: true, count: $0.count) }
                for entry in all.prefix(keep) { zeroBlocks[entry.tensor][entry.block] = false }
                for (i, zeroBlock) in zeroBlocks.enumerated() {
                    masks.append(expand(zeroBlock, values: targets[i].values, length: length))
                }
            }
        }

        var result = model
        var layers: [LayerSparsity] = []
        for (i, target) in targets.enumerated() {
            let tensor = subgraph.tensors[target.tensor]
            var data = model.constantData(of: tensor)!
            let zerosBefore = target.values.values.filter { $0 == 0 }.count
            let count = target.values.values.count
            let zeroBytes = Self.zeroEncoding(of: tensor, elementCount: count)
            let width = tensor.type == .int8 ? 1 : 4
            for e in 0..<count where masks[i][e] {
                for b in 0..<width { data[e * width + b] = zeroBytes[e][b] }
            }
            do { try result.setConstantData(data, ofTensor: target.tensor) } catch { throw PruningError(wrapping: error) }
            let zerosAfter = (0..<count).filter { masks[i][$0] || target.values.values[$0] == 0 }.count
            layers.append(LayerSparsity(operatorIndex: target.op, operatorName: target.name, tensorName: tensor.name,
                                        elements: count, zerosBefore: zerosBefore, zerosAfter: zerosAfter))
        }
        return WeightPruningResult(model: result, layers: layers)
    }

    /// Bytes that encode a real 0 for each element: the element's zero point (int8) or +0.0 (float32).
    static func zeroEncoding(of tensor: Tensor, elementCount: Int) -> [[UInt8]] {
        guard tensor.type == .int8 else { return Array(repeating: [0, 0, 0, 0], count: elementCount) }
        let q = tensor.quantization ?? QuantizationParameters()
        let zeroPoints = q.zeroPoint.isEmpty ? [Int64(0)] : q.zeroPoint
        if zeroPoints.count == 1 { return Array(repeating: [UInt8(bitPattern: Int8(zeroPoints[0]))], count: elementCount) }
        let axis = q.quantizedDimension
        let inner = tensor.shape[(axis + 1)...].reduce(1, *)
        let extent = tensor.shape[axis]
        return (0..<elementCount).map { [UInt8(bitPattern: Int8(zeroPoints[($0 / inner) % extent]))] }
    }

    /// One score per block of `length` along the innermost axis (blocks do not cross rows).
    private func blockScores(_ values: ConstantValues, length: Int, generator: inout SplitMix64) -> [Double] {
        let row = values.shape.last ?? 1
        let blocksPerRow = (row + length - 1) / length
        let rows = values.values.count / max(row, 1)
        var scores: [Double] = []
        scores.reserveCapacity(rows * blocksPerRow)
        for r in 0..<rows {
            for b in 0..<blocksPerRow {
                switch selection {
                case .magnitude:
                    var sum = 0.0
                    for e in (b * length)..<min(row, (b + 1) * length) { sum += Double(abs(values.values[r * row + e])) }
                    scores.append(sum)
                case .random:
                    scores.append(generator.nextUnit())
                }
            }
        }
        return scores
    }

    private func expand(_ zeroBlock: [Bool], values: ConstantValues, length: Int) -> [Bool] {
        let row = values.shape.last ?? 1
        let blocksPerRow = (row + length - 1) / length
        return (0..<values.values.count).map { e in zeroBlock[(e / row) * blocksPerRow + (e % row) / length] }
    }

    private func nOfMMask(_ values: ConstantValues, n: Int, m: Int, generator: inout SplitMix64) -> [Bool] {
        let row = values.shape.last ?? 1
        var mask = Array(repeating: false, count: values.values.count)
        for start in stride(from: 0, to: values.values.count, by: row) {
            for groupStart in stride(from: 0, to: row, by: m) {
                let indices = Array((start + groupStart)..<(start + min(row, groupStart + m)))
                let scores: [Double] = indices.map {
                    if case .magnitude = selection { return Double(abs(values.values[$0])) }
                    return generator.nextUnit()
                }
                let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
                for k in order.dropFirst(n) { mask[indices[k]] = true }
            }
        }
        return mask
    }
}

/// A small seeded generator (SplitMix64) so random pruning is reproducible across platforms.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
