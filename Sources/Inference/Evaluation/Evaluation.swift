/// The result of classifying a labelled dataset: top-1 accuracy overall and per class, and the confusion matrix.
public struct Evaluation: Sendable, Equatable {
    public let datasetName: String
    public let classNames: [String]
    /// The predicted class of each sample (first maximum of the output scores, like `np.argmax`).
    public let predictions: [Int]
    public let confusion: ConfusionMatrix

    public init(datasetName: String, classNames: [String], labels: [UInt8], predictions: [Int]) {
        var confusion = ConfusionMatrix(classCount: classNames.count)
        for (label, predicted) in zip(labels, predictions) {
            confusion.record(trueClass: Int(label), predictedClass: predicted)
        }
        self.datasetName = datasetName
        self.classNames = classNames
        self.predictions = predictions
        self.confusion = confusion
    }

    public var sampleCount: Int { predictions.count }
    public var correctCount: Int { (0..<confusion.classCount).reduce(0) { $0 + confusion[$1, $1] } }
    /// Fraction of samples classified correctly (0 for an empty dataset).
    public var accuracy: Double { sampleCount == 0 ? 0 : Double(correctCount) / Double(sampleCount) }

    /// Accuracy among the samples of each true class; nil for a class with no samples.
    public var perClassAccuracy: [Double?] {
        (0..<confusion.classCount).map { c in
            let total = confusion.total(trueClass: c)
            return total == 0 ? nil : Double(confusion[c, c]) / Double(total)
        }
    }

    /// A human-readable summary: accuracy, per-class accuracy and the confusion matrix.
    public func report() -> String {
        let percent = { (x: Double) in String(format: "%.2f %%", x * 100) }
        var lines = ["\(datasetName): \(correctCount) of \(sampleCount) correct, accuracy \(percent(accuracy))", "",
                     "per-class accuracy:"]
        for (c, value) in perClassAccuracy.enumerated() {
            let name = classNames.indices.contains(c) ? classNames[c] : "\(c)"
            lines.append("  \(c) \(name.padding(toLength: 14, withPad: " ", startingAt: 0)) "
                + (value.map(percent) ?? "no samples"))
        }
        lines += ["", "confusion matrix (rows: true class, columns: predicted class):",
                  confusion.table(classNames: classNames)]
        return lines.joined(separator: "\n")
    }
}
