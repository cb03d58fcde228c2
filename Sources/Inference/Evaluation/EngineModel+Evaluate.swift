import TFLite

extension EngineModel {
    /// Classifies a labelled image dataset: images are encoded with `InputQuantizer` (pixel/255, then the model's
    /// input quantization), run in parallel, and the first maximum of output 0 is the predicted class.
    /// - Parameter limit: evaluate only the first `limit` samples.
    /// - Throws: `InferenceError.notAClassifier` when output 0 does not have one score per class.
    public func evaluate(_ dataset: LabelledImages, limit: Int? = nil,
                         workerCount: Int = EngineModel.defaultWorkerCount) async throws(InferenceError) -> Evaluation
    {
        let data = dataset.prefix(limit)
        guard inputs.count == 1 else { throw .notAClassifier(reason: "it has \(inputs.count) inputs, not 1") }
        let output = try output(0)
        guard output.elementCount == dataset.classCount else {
            throw .notAClassifier(reason: "output 0 has \(output.elementCount) values (\(output)), "
                + "the dataset has \(dataset.classCount) classes")
        }
        let batch = try InputQuantizer(input: try input(0)).batch(data)
        let scores = try await run(batch: batch, workerCount: workerCount)
        let predictions = try ClassScores.argmax(scores, classCount: dataset.classCount)
        return Evaluation(datasetName: data.name, classNames: data.classNames, labels: data.labels,
                          predictions: predictions)
    }
}

/// Predicted classes from rows of output scores.
public enum ClassScores {
    /// Index of the first maximum of each row of `scores` (`[samples, classCount]` values of any exchange type),
    /// the same choice as `np.argmax`. NaN scores never win.
    public static func argmax(_ scores: NumPyArray, classCount: Int) throws(InferenceError) -> [Int] {
        guard classCount > 0, scores.elementCount % classCount == 0 else {
            throw .notAClassifier(reason: "\(scores.elementCount) scores do not split into rows of \(classCount)")
        }
        let values: [Double]
        do {
            switch scores.elementType {
            case .int8: values = try scores.values(as: Int8.self).map(Double.init)
            case .uint8: values = try scores.values(as: UInt8.self).map(Double.init)
            case .int32: values = try scores.values(as: Int32.self).map(Double.init)
            case .float32: values = try scores.values(as: Float.self).map(Double.init)
            }
        } catch {
            throw .notAClassifier(reason: "\(error)")
        }
        return stride(from: 0, to: values.count, by: classCount).map { start in
            var best = 0
            for c in 1..<classCount where values[start + c] > values[start + best] || values[start + best].isNaN {
                best = c
            }
            return best
        }
    }
}
