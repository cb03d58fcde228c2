import Foundation

/// A PROFILE result as a table: per operator, its counter and share of the inference's total.
public struct OperatorProfile: Equatable, Sendable {
    public struct Row: Equatable, Sendable {
        public var operatorIndex: Int
        public var builtinCode: Int32
        /// In `unit`.
        public var counter: UInt64
        /// counter / sum of all operators' counters (0…1).
        public var share: Double
    }

    public var rows: [Row]
    /// The board's total over `th_invoke` (may exceed the operators' sum by the engine's own overhead).
    public var totalCounter: UInt64
    public var unit: CounterUnit

    public init(reply: ProfileReply, unit: CounterUnit) {
        let sum = reply.operators.reduce(UInt64(0)) { $0 + $1.counter }
        rows = reply.operators.enumerated().map { index, op in
            Row(operatorIndex: index, builtinCode: op.builtinCode, counter: op.counter, share: sum == 0 ? 0 : Double(op.counter) / Double(sum))
        }
        totalCounter = reply.totalCounter
        self.unit = unit
    }

    /// A fixed-width text table; `name` turns a builtin code into an operator name.
    public func table(name: (Int32) -> String) -> String {
        let unitTitle: String
        switch unit {
        case .instructions: unitTitle = "instructions"
        case .cpuCycles: unitTitle = "cycles"
        case .microseconds: unitTitle = "µs"
        }
        let names = rows.map { name($0.builtinCode) }
        let nameWidth = max(8, names.map(\.count).max() ?? 0)
        let counterWidth = max(unitTitle.count, String(totalCounter).count)
        func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + fill : fill + text
        }
        var lines = ["\(pad("#", 4)) \(pad("operator", nameWidth, left: true)) \(pad(unitTitle, counterWidth))  share"]
        for (row, opName) in zip(rows, names) {
            let share = String(format: "%5.1f %%", row.share * 100)
            lines.append("\(pad(String(row.operatorIndex), 4)) \(pad(opName, nameWidth, left: true)) \(pad(String(row.counter), counterWidth))  \(share)")
        }
        let operatorSum = rows.reduce(UInt64(0)) { $0 + $1.counter }
        lines.append("\(pad("", 4)) \(pad("operators", nameWidth, left: true)) \(pad(String(operatorSum), counterWidth))")
        lines.append("\(pad("", 4)) \(pad("invoke", nameWidth, left: true)) \(pad(String(totalCounter), counterWidth))")
        lines.append("counter unit: \(unit)")
        return lines.joined(separator: "\n")
    }
}
