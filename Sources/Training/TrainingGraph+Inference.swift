/// Float32 forward passes for evaluation and calibration.
extension TrainingGraph {
    /// Runs the graph on `data` in batches (batches split over concurrent tasks) and hands each batch's
    /// workspace to `visit` together with the number of samples in it, in order.
    func forEachForwardBatch(on data: TrainingSamples, batchSize: Int, workers: Int = 2,
                             _ visit: (Workspace, Int, Range<Int>) -> Void) async {
        let shard = max(1, (batchSize + workers - 1) / workers)
        let spaces = (0..<workers).map { _ in Workspace(graph: self, capacity: shard, withGradients: false) }
        let parameters = forwardParameters
        var start = 0
        while start < data.count {
            let ranges = (0..<workers).map { w in
                min(data.count, start + w * shard)..<min(data.count, start + (w + 1) * shard)
            }.filter { !$0.isEmpty }
            let graph = self
            await withTaskGroup(of: Void.self) { group in
                for (w, range) in ranges.enumerated() {
                    let space = spaces[w]
                    group.addTask {
                        data.fill(range, into: space.value(graph.inputTensor))
                        graph.forward(batch: range.count, workspace: space, parameters: parameters)
                    }
                }
            }
            for (w, range) in ranges.enumerated() { visit(spaces[w], range.count, range) }
            start = ranges.last!.upperBound
        }
    }

    /// Outputs for every sample, `[count × outputSampleElements]` float32.
    public func outputs(on data: TrainingSamples, batchSize: Int = 256) async throws -> [Float] {
        guard data.sampleElements == inputSampleElements else {
            throw TrainingError.inputShapeMismatch(expected: inputSampleShape, actual: [data.sampleElements])
        }
        var result: [Float] = []
        result.reserveCapacity(data.count * outputSampleElements)
        let output = outputTensor, per = outputSampleElements
        await forEachForwardBatch(on: data, batchSize: batchSize) { space, count, _ in
            result.append(contentsOf: UnsafeBufferPointer(start: space.value(output), count: count * per))
        }
        return result
    }

    /// Fraction of `data`'s labelled samples whose first maximum output is the label.
    public func accuracy(on data: TrainingSamples, batchSize: Int = 256) async throws -> Double {
        guard let labels = data.labels else { throw TrainingError.invalidOption("accuracy needs labelled data") }
        let scores = try await outputs(on: data, batchSize: batchSize)
        let classes = outputSampleElements
        var correct = 0
        for n in 0..<data.count {
            var best = 0
            for c in 1..<classes where scores[n * classes + c] > scores[n * classes + best] { best = c }
            if best == Int(labels[n]) { correct += 1 }
        }
        return Double(correct) / Double(data.count)
    }
}
