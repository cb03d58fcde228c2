import Footprint
import Inference
import TFLite

/// Hard resource limits a pruned model must meet (nil = no limit). Arena is TFLite Micro's total (planned head
/// plus the persistent estimate of the Footprint module); flash is the serialized `.tflite` size (in memory).
public struct ResourceLimits: Sendable, Equatable {
    public var maxArenaBytes: Int?
    public var maxFlashBytes: Int?
    public var maxMACs: Int?

    public init(maxArenaBytes: Int? = nil, maxFlashBytes: Int? = nil, maxMACs: Int? = nil) {
        self.maxArenaBytes = maxArenaBytes
        self.maxFlashBytes = maxFlashBytes
        self.maxMACs = maxMACs
    }

    /// How far a footprint is over the limits, as a sum of relative excesses (0 = feasible).
    func violation(_ cost: CandidateCost) -> Double {
        func over(_ value: Int, _ limit: Int?) -> Double {
            guard let limit, value > limit else { return 0 }
            return Double(value - limit) / Double(max(limit, 1))
        }
        return over(cost.arenaBytes, maxArenaBytes) + over(cost.flashBytes, maxFlashBytes) + over(cost.macs, maxMACs)
    }
}

/// Resources of one candidate.
public struct CandidateCost: Sendable, Equatable {
    public var macs: Int
    public var flashBytes: Int
    public var arenaBytes: Int
    /// Instructions or cycles of one inference predicted by the search's ``OperatorCostModel`` (nil without one).
    public var predictedCounter: Double? = nil
}

/// What the genetic search optimises.
public enum SearchObjective: Sendable, Equatable {
    /// The largest fitness: validation accuracy, or retained importance without validation data.
    case fitness
    /// The smallest counter (instructions on the virtual board, cycles on a real one — energy at a fixed clock and
    /// power) that `costModel` predicts, among candidates whose fitness is at least `fitnessFloor`; the hard
    /// limits hold as always.
    case predictedCost(OperatorCostModel, fitnessFloor: Double)
}

/// Labelled validation inputs (never the test split) for accuracy-driven search.
public struct ValidationSet: Sendable {
    public var inputs: NumPyArray
    public var labels: [Int]
    public init(inputs: NumPyArray, labels: [Int]) {
        self.inputs = inputs
        self.labels = labels
    }
}

/// One evaluated per-layer ratio assignment.
public struct PruningCandidate: Sendable {
    /// Ratio per group id of the original model's ``DependencyGraph``.
    public var ratios: [Int: Double]
    public var model: Model
    public var cost: CandidateCost
    /// Validation accuracy when a ``ValidationSet`` was given, else the retained importance in 0 ... 1.
    public var fitness: Double
    public var isFeasible: Bool
    /// The fitness the search measured, when ``fitness`` was measured again after fine-tuning (nil otherwise).
    public var fitnessBeforeFineTuning: Double? = nil
}

public struct GeneticSearchResult: Sendable {
    /// The fittest feasible candidate.
    public var best: PruningCandidate
    /// Feasible candidates no other feasible candidate beats on fitness and all of MACs, flash and arena.
    public var paretoFront: [PruningCandidate]
    public var evaluatedCandidates: Int
}

/// *genetic* mode: per-layer ratios (genes from `geneValues`) searched under hard resource limits. Infeasible
/// candidates are ranked below every feasible one and never returned; if even the most aggressive candidate
/// is infeasible the search refuses at once. Seeded and reproducible; candidates of a generation are
/// evaluated concurrently.
public struct GeneticSearch: Sendable {
    public var population: Int
    public var generations: Int
    public var seed: UInt64
    public var geneValues: [Double]
    public var criterion: ChannelCriterion
    public var mutationProbability: Double
    public var objective: SearchObjective

    public init(population: Int = 10, generations: Int = 25, seed: UInt64 = 0,
                geneValues: [Double] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
                criterion: ChannelCriterion = .l1, mutationProbability: Double = 0.2, objective: SearchObjective = .fitness) {
        self.objective = objective
        self.population = max(2, population)
        self.generations = max(1, generations)
        self.seed = seed
        self.geneValues = geneValues.sorted()
        self.criterion = criterion
        self.mutationProbability = mutationProbability
    }

    public func run(model: Model, limits: ResourceLimits, validation: ValidationSet? = nil,
                    progress: (@Sendable (_ generation: Int, _ bestFitness: Double?) -> Void)? = nil)
        async throws(PruningError) -> GeneticSearchResult
    {
        guard !criterion.isDataDriven else { throw .missingCalibrationData(criterion: criterion.rawValue) }
        guard let largest = geneValues.last, largest < 1, (geneValues.first ?? 0) >= 0 else {
            throw .invalidRatio(geneValues.last ?? 1, what: "largest gene value")
        }
        let graph = try DependencyGraph(model: model)
        let groups = graph.groups.filter(\.isPrunable)
        guard !groups.isEmpty else { throw .nothingToPrune("no group of channels can be pruned in this model") }
        // retained importance per group and ratio, from sorted importance scores
        var sortedScores: [Int: [Double]] = [:]
        for group in groups {
            sortedScores[group.id] = try ChannelImportance.scores(of: group, in: graph, model: model, criterion: criterion).sorted()
        }
        let pruner = ChannelPruner(criterion: criterion)
        var costModel: OperatorCostModel?
        if case .predictedCost(let fitted, _) = objective { costModel = fitted }
        let evaluator = CandidateEvaluator(model: model, groups: groups, pruner: pruner, limits: limits,
                                           validation: validation, sortedScores: sortedScores, costModel: costModel)

        let extreme = try await evaluator.evaluate(Array(repeating: geneValues.count - 1, count: groups.count), genes: geneValues)
        guard extreme.isFeasible else {
            throw .limitsUnreachable("even removing \(Int(largest * 100)) % of every layer's channels leaves MACs \(extreme.cost.macs), flash \(extreme.cost.flashBytes) bytes, arena \(extreme.cost.arenaBytes) bytes; limits: MACs \(limits.maxMACs.map(String.init) ?? "none"), flash \(limits.maxFlashBytes.map(String.init) ?? "none"), arena \(limits.maxArenaBytes.map(String.init) ?? "none")")
        }
        var generator = SplitMix64(seed: seed)
        var evaluated: [[Int]: PruningCandidate] = [Array(repeating: geneValues.count - 1, count: groups.count): extreme]
        var current: [[Int]] = (0..<population).map { _ in
            (0..<groups.count).map { _ in Int(generator.next() % UInt64(geneValues.count)) }
        }
        let objective = self.objective
        func rank(_ a: PruningCandidate) -> Double { Self.rank(a, objective: objective, limits: limits) }

        for generation in 0..<generations {
            let fresh = Array(Set(current.filter { evaluated[$0] == nil }))
            let results = try await withTaskGroupEvaluating(fresh, evaluator: evaluator)
            for (genome, candidate) in results { evaluated[genome] = candidate }
            let scored = current.map { ($0, rank(evaluated[$0]!)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.lexicographicallyPrecedes($1.0) }
            progress?(generation, evaluated.values.filter(\.isFeasible).map(\.fitness).max())
            // next generation: two elites, then tournament selection, uniform crossover, mutation
            var next = Array(scored.prefix(2).map(\.0))
            while next.count < population {
                func pick() -> [Int] {
                    let a = scored[Int(generator.next() % UInt64(scored.count))]
                    let b = scored[Int(generator.next() % UInt64(scored.count))]
                    return a.1 >= b.1 ? a.0 : b.0
                }
                let mother = pick(), father = pick()
                var child = zip(mother, father).map { generator.next() & 1 == 0 ? $0 : $1 }
                for i in child.indices where generator.nextUnit() < mutationProbability {
                    child[i] = Int(generator.next() % UInt64(geneValues.count))
                }
                next.append(child)
            }
            current = next
        }
        let feasible = evaluated.values.filter(\.isFeasible)
        var best = feasible.max { $0.fitness != $1.fitness ? $0.fitness < $1.fitness : $0.cost.macs > $1.cost.macs }!
        if case .predictedCost(_, let floor) = objective {
            guard let cheapest = feasible.filter({ $0.fitness >= floor }).max(by: { rank($0) < rank($1) }) else {
                throw .limitsUnreachable("no candidate within the limits reaches fitness \(floor) (the best reaches \(best.fitness)); lower the accuracy floor, relax a limit or search longer")
            }
            best = cheapest
        }
        return GeneticSearchResult(best: best, paretoFront: Self.paretoFront(of: feasible), evaluatedCandidates: evaluated.count)
    }

    /// Higher is better. Infeasible candidates rank below every feasible one (by how far they are over the limits);
    /// under ``SearchObjective/predictedCost(_:fitnessFloor:)`` candidates below the floor rank below those above it
    /// (by how far they fall short), and those above it by `1 / (1 + predicted counter)`.
    static func rank(_ a: PruningCandidate, objective: SearchObjective, limits: ResourceLimits) -> Double {
        switch objective {
        case .fitness:
            return a.isFeasible ? a.fitness : -1 - limits.violation(a.cost)
        case .predictedCost(_, let floor):
            guard a.isFeasible else { return -2 - limits.violation(a.cost) }
            guard a.fitness >= floor else { return -1 + (a.fitness - floor) / max(floor, 1e-9) * 0.5 }
            return 1 / (1 + max(a.cost.predictedCounter ?? .infinity, 0))
        }
    }

    /// Feasible candidates no other beats on fitness and all of MACs, flash and arena, by increasing MACs.
    static func paretoFront(of feasible: [PruningCandidate]) -> [PruningCandidate] {
        feasible.filter { candidate in
            !feasible.contains { other in
                other.fitness >= candidate.fitness && other.cost.macs <= candidate.cost.macs
                    && other.cost.flashBytes <= candidate.cost.flashBytes && other.cost.arenaBytes <= candidate.cost.arenaBytes
                    && (other.fitness > candidate.fitness || other.cost.macs < candidate.cost.macs
                        || other.cost.flashBytes < candidate.cost.flashBytes || other.cost.arenaBytes < candidate.cost.arenaBytes)
            }
        }.sorted { $0.cost.macs < $1.cost.macs }
    }

    private func withTaskGroupEvaluating(_ genomes: [[Int]], evaluator: CandidateEvaluator) async throws(PruningError)
        -> [([Int], PruningCandidate)]
    {
        let genes = geneValues
        do {
            return try await withThrowingTaskGroup(of: ([Int], PruningCandidate).self) { group in
                for genome in genomes {
                    group.addTask { (genome, try await evaluator.evaluate(genome, genes: genes)) }
                }
                var results: [([Int], PruningCandidate)] = []
                for try await result in group { results.append(result) }
                return results
            }
        } catch {
            throw PruningError(wrapping: error)
        }
    }
}

/// Builds and measures one candidate.
struct CandidateEvaluator: Sendable {
    let model: Model
    let groups: [DependencyGroup]
    let pruner: ChannelPruner
    let limits: ResourceLimits
    let validation: ValidationSet?
    let sortedScores: [Int: [Double]]
    let costModel: OperatorCostModel?

    func evaluate(_ genome: [Int], genes: [Double]) async throws(PruningError) -> PruningCandidate {
        var ratios: [Int: Double] = [:]
        for (group, gene) in zip(groups, genome) where genes[gene] > 0 { ratios[group.id] = genes[gene] }
        let table = Dictionary(uniqueKeysWithValues: ratios.compactMap { id, ratio -> (String, Double)? in
            guard let group = groups.first(where: { $0.id == id }), let op = group.producers.first else { return nil }
            return (String(op), ratio)
        })
        let pruned = table.isEmpty ? model : try pruner.prune(model, ratios: .perLayer(table)).model
        let cost = try Self.cost(of: pruned, costModel: costModel)
        let feasible = limits.violation(cost) == 0
        var fitness = 0.0
        if let validation, feasible {
            fitness = try await Self.accuracy(of: pruned, on: validation)
        } else {
            // retained importance: per group, the share of the importance kept, averaged over groups
            var total = 0.0
            for group in groups {
                let scores = sortedScores[group.id] ?? []
                let removed = (try? pruner.removedCount(channels: group.channelCount, ratio: ratios[group.id] ?? 0,
                                                        label: group.label)) ?? 0
                let all = scores.reduce(0, +)
                total += all > 0 ? scores.dropFirst(removed).reduce(0, +) / all : 1
            }
            fitness = total / Double(groups.count)
        }
        return PruningCandidate(ratios: ratios, model: pruned, cost: cost, fitness: fitness, isFeasible: feasible)
    }

    /// MACs, flash and arena of a model. Flash is the serialized size (in memory, exact) rather than Footprint's
    /// estimate, so a limit holds for the file that is written.
    static func cost(of model: Model, costModel: OperatorCostModel? = nil) throws(PruningError) -> CandidateCost {
        let footprint: ModelFootprint
        let fileBytes: Int
        do { fileBytes = try model.serialized().count } catch { throw PruningError(wrapping: error) }
        do { footprint = try ModelFootprint(model: model, fileBytes: fileBytes) } catch { throw .engine("footprint of a candidate: \(error)") }
        var predicted: Double?
        if let costModel {
            do { predicted = try costModel.predictTotal(footprint) } catch { throw .engine("the cost model cannot predict a candidate: \(error)") }
        }
        return CandidateCost(macs: footprint.macs, flashBytes: footprint.flashBytes, arenaBytes: footprint.arenaTotalBytes,
                             predictedCounter: predicted)
    }

    static func accuracy(of model: Model, on validation: ValidationSet) async throws(PruningError) -> Double {
        do {
            let engine = try EngineModel(bytes: try model.serialized())
            let outputs = try await engine.run(batch: validation.inputs, workerCount: 1)
            let classes = outputs.elementCount / max(1, validation.labels.count)
            var correct = 0
            let scores: [Float]
            switch outputs.elementType {
            case .int8: scores = outputs.bytes.map { Float(Int8(bitPattern: $0)) }
            default: scores = try outputs.values()
            }
            for (i, label) in validation.labels.enumerated() {
                let row = scores[(i * classes)..<((i + 1) * classes)]
                if let top = row.indices.max(by: { row[$0] < row[$1] }), top - i * classes == label { correct += 1 }
            }
            return Double(correct) / Double(max(1, validation.labels.count))
        } catch {
            throw .engine("evaluating a candidate on the validation set: \(error)")
        }
    }
}
