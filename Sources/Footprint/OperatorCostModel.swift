import Foundation

/// Why a cost model could not be fitted or could not predict a model.
public enum CostModelError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let problem): problem }
    }
}

/// A per-operator cost model fitted to profiled counters (`tinyhil profile`): for each operator type,
/// `counter ≈ a · MACs + b · output elements + c · input elements + d`, fitted by least squares over the
/// operators of a set of profiled models. It predicts a model's total counter (instructions on the virtual board,
/// cycles on a real one) from its shapes alone, which makes "energy" an objective a search can minimise without a
/// board in the loop.
public struct OperatorCostModel: Codable, Sendable, Equatable {
    /// The coefficients of one operator type.
    public struct Coefficients: Codable, Sendable, Equatable {
        public var perMAC: Double
        public var perOutputElement: Double
        public var perInputElement: Double
        public var perInvocation: Double
        /// How many profiled operators the coefficients were fitted to.
        public var samples: Int
    }

    /// What the counters count: "instructions" (virtual board) or "cycles" (real board).
    public var counterUnit: String
    /// Operator name (`CONV_2D`) → coefficients.
    public var operators: [String: Coefficients]

    public init(counterUnit: String, operators: [String: Coefficients]) {
        self.counterUnit = counterUnit
        self.operators = operators
    }

    /// One profiled operator: its footprint (shapes, MACs) and its measured counter.
    public struct Sample: Sendable {
        public var layer: LayerFootprint
        public var counter: Double
        public init(layer: LayerFootprint, counter: Double) {
            self.layer = layer
            self.counter = counter
        }
    }

    static func features(_ layer: LayerFootprint) -> [Double] {
        let outputs = layer.outputShapes.reduce(0) { $0 + $1.reduce(1, *) }
        let inputs = layer.inputShapes.reduce(0) { $0 + $1.reduce(1, *) }
        return [Double(layer.macs), Double(outputs), Double(inputs), 1]
    }

    /// Least squares per operator type (columns scaled to their largest value, a tiny ridge so that a feature
    /// that never varies — e.g. MACs of a pool — gets no weight instead of an unstable one).
    public static func fit(_ samples: [Sample], counterUnit: String) throws(CostModelError) -> OperatorCostModel {
        guard !samples.isEmpty else { throw .invalid("no profiled operators to fit") }
        var operators: [String: Coefficients] = [:]
        for (name, group) in Dictionary(grouping: samples, by: { $0.layer.operatorName }) {
            let rows = group.map { features($0.layer) }
            let targets = group.map(\.counter)
            guard targets.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .invalid("operator \(name) has a negative or non-finite counter")
            }
            let columns = 4
            let scale = (0..<columns).map { c in max(rows.map { abs($0[c]) }.max() ?? 0, 1) }
            var normal = [[Double]](repeating: [Double](repeating: 0, count: columns), count: columns)
            var right = [Double](repeating: 0, count: columns)
            for (row, y) in zip(rows, targets) {
                let x = (0..<columns).map { row[$0] / scale[$0] }
                for i in 0..<columns {
                    right[i] += x[i] * y
                    for j in 0..<columns { normal[i][j] += x[i] * x[j] }
                }
            }
            let ridge = 1e-9 * max(1, (0..<columns).map { normal[$0][$0] }.max()!)
            for i in 0..<columns { normal[i][i] += ridge }
            guard let solution = solve(normal, right) else {
                throw .invalid("the least-squares system for \(name) is singular")
            }
            let w = (0..<columns).map { solution[$0] / scale[$0] }
            operators[name] = Coefficients(perMAC: w[0], perOutputElement: w[1], perInputElement: w[2],
                                           perInvocation: w[3], samples: group.count)
        }
        return OperatorCostModel(counterUnit: counterUnit, operators: operators)
    }

    /// The predicted counter of one operator; nil for an operator type the model was not fitted to.
    public func predict(_ layer: LayerFootprint) -> Double? {
        guard let c = operators[layer.operatorName] else { return nil }
        let x = Self.features(layer)
        return c.perMAC * x[0] + c.perOutputElement * x[1] + c.perInputElement * x[2] + c.perInvocation
    }

    /// The predicted counter of one inference of `footprint`'s model.
    public func predictTotal(_ footprint: ModelFootprint) throws(CostModelError) -> Double {
        var total = 0.0
        for layer in footprint.layers {
            guard let value = predict(layer) else {
                throw .invalid("no coefficients for \(layer.operatorName) (operator \(layer.index)); fit the cost model to profiles that contain it")
            }
            total += value
        }
        return total
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solve(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        var a = matrix, b = vector
        let n = b.count
        for k in 0..<n {
            let pivot = (k..<n).max { abs(a[$0][k]) < abs(a[$1][k]) }!
            guard abs(a[pivot][k]) > 1e-300 else { return nil }
            a.swapAt(k, pivot)
            b.swapAt(k, pivot)
            for i in (k + 1)..<n {
                let f = a[i][k] / a[k][k]
                for j in k..<n { a[i][j] -= f * a[k][j] }
                b[i] -= f * b[k]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[i]
            for j in (i + 1)..<n { sum -= a[i][j] * x[j] }
            x[i] = sum / a[i][i]
        }
        return x
    }
}
