/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classCount: Int
    /// Row-major: `counts[trueClass * classCount + predictedClass]`.
    public private(set) var counts: [Int]

    public init(classCount: Int) {
        self.classCount = classCount
        self.counts = [Int](repeating: 0, count: classCount * classCount)
    }

    public subscript(trueClass: Int, predictedClass: Int) -> Int {
        counts[trueClass * classCount + predictedClass]
    }

    public mutating func record(trueClass: Int, predictedClass: Int) {
        counts[trueClass * classCount + predictedClass] += 1
    }

    /// Samples whose true class is `trueClass`.
    public func total(trueClass: Int) -> Int {
        counts[(trueClass * classCount)..<((trueClass + 1) * classCount)].reduce(0, +)
    }

    /// A fixed-width text table: rows are true classes, columns predicted classes.
    public func table(classNames: [String]? = nil) -> String {
        let width = max(5, String(counts.max() ?? 0).count + 1)
        func pad(_ text: String) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        let labelWidth = max(6, (classNames ?? []).map(\.count).max() ?? 0) + 2
        func label(_ c: Int) -> String {
            let name = classNames.map { $0.indices.contains(c) ? "\(c) \($0[c])" : "\(c)" } ?? "\(c)"
            return name.padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0)
        }
        var lines = ["true \\ pred".padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0)
            + (0..<classCount).map { pad("\($0)") }.joined()]
        for row in 0..<classCount {
            lines.append(label(row) + (0..<classCount).map { pad("\(self[row, $0])") }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
