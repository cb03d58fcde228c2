/// Operators that move (or average) elements without arithmetic on them: RESHAPE, PAD, CONCATENATION, MEAN,
/// QUANTIZE/DEQUANTIZE in float. Each input element `i` of a sample lands on output element `maps[input][i]`
/// (scaled by `scale`: 1, or 1/count for MEAN); output elements no input reaches are 0 (padding).
struct IndexMapLayer: TrainingLayer {
    let operatorIndex: Int
    let operatorName: String
    let inputs: [Int]
    let output: Int
    let maps: [[Int32]]
    let outputElements: Int
    let scale: Float
    let activation: FusedActivation
    let inputsNeedGradient: [Bool]

    var activationInputs: [Int] { inputs }

    func forward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        let y = workspace.value(output)
        y.update(repeating: 0, count: batch * outputElements)
        for (k, input) in inputs.enumerated() {
            let x = workspace.value(input)
            maps[k].withUnsafeBufferPointer { map in
                let count = map.count
                for n in 0..<batch {
                    let xs = x + n * count, ys = y + n * outputElements
                    for i in 0..<count { ys[Int(map[i])] += xs[i] * scale }
                }
            }
        }
        activation.apply(y, count: batch * outputElements)
    }

    func backward(batch: Int, workspace: Workspace, parameters: [Parameter]) {
        guard let dy = workspace.gradient(output) else { return }
        activation.maskGradient(dy, outputs: workspace.value(output), count: batch * outputElements)
        for (k, input) in inputs.enumerated() where inputsNeedGradient[k] {
            guard let dx = workspace.gradient(input) else { continue }
            maps[k].withUnsafeBufferPointer { map in
                let count = map.count
                for n in 0..<batch {
                    let dxs = dx + n * count, dys = dy + n * outputElements
                    for i in 0..<count { dxs[i] += dys[Int(map[i])] * scale }
                }
            }
        }
    }
}

/// Row-major index arithmetic for building the maps.
enum IndexMaps {
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Calls `body(flatIndex, coordinates)` for every element of `shape` in row-major order.
    static func forEachCoordinate(_ shape: [Int], _ body: (Int, [Int]) -> Void) {
        let count = shape.reduce(1, *)
        guard count > 0 else { return }
        var coordinates = Array(repeating: 0, count: shape.count)
        for flat in 0..<count {
            body(flat, coordinates)
            var axis = shape.count - 1
            while axis >= 0 {
                coordinates[axis] += 1
                if coordinates[axis] < shape[axis] { break }
                coordinates[axis] = 0
                axis -= 1
            }
        }
    }

    static func identity(_ count: Int) -> [Int32] { (0..<count).map { Int32($0) } }

    /// PAD: element at `c` goes to `c + before` in the padded shape.
    static func pad(sampleShape: [Int], before: [Int], paddedShape: [Int]) -> [Int32] {
        let out = strides(paddedShape)
        var map = [Int32](repeating: 0, count: sampleShape.reduce(1, *))
        forEachCoordinate(sampleShape) { flat, c in
            var index = 0
            for axis in c.indices { index += (c[axis] + before[axis]) * out[axis] }
            map[flat] = Int32(index)
        }
        return map
    }

    /// CONCATENATION along `axis` (of the sample shape): input at offset `offset` along that axis.
    static func concatenation(sampleShape: [Int], axis: Int, offset: Int, outputShape: [Int]) -> [Int32] {
        let out = strides(outputShape)
        var map = [Int32](repeating: 0, count: sampleShape.reduce(1, *))
        forEachCoordinate(sampleShape) { flat, c in
            var index = 0
            for a in c.indices { index += (c[a] + (a == axis ? offset : 0)) * out[a] }
            map[flat] = Int32(index)
        }
        return map
    }

    /// MEAN over `axes` (of the sample shape): every element goes to its coordinates without the reduced axes.
    static func reduction(sampleShape: [Int], axes: Set<Int>) -> (map: [Int32], outputElements: Int) {
        let keptShape = sampleShape.indices.filter { !axes.contains($0) }.map { sampleShape[$0] }
        let kept = strides(keptShape)
        var map = [Int32](repeating: 0, count: sampleShape.reduce(1, *))
        forEachCoordinate(sampleShape) { flat, c in
            var index = 0, k = 0
            for a in c.indices where !axes.contains(a) { index += c[a] * kept[k]; k += 1 }
            map[flat] = Int32(index)
        }
        return (map, keptShape.reduce(1, *))
    }
}
