import Foundation
import TFLite

extension PruningReport {
    /// One change per prunable channel group: the ratio the genetic search chose and the channels it keeps.
    public static func changes(of result: GeneticSearchResult, original: Model, criterion: ChannelCriterion) throws -> [Change] {
        let graph = try DependencyGraph(model: original)
        let pruner = ChannelPruner(criterion: criterion)
        return graph.groups.filter(\.isPrunable).map { group in
            let ratio = result.best.ratios[group.id] ?? 0
            let removed = (try? pruner.removedCount(channels: group.channelCount, ratio: ratio)) ?? 0
            return Change(layer: "\(group.label) ratio \(ratio)", before: group.channelCount,
                          after: group.channelCount - removed, sparsity: nil)
        }
    }

    /// How a genetic search is named in a report: criterion, fitness, candidates and the Pareto front.
    public static func method(of result: GeneticSearchResult, criterion: ChannelCriterion, validated: Bool) -> String {
        let fitness = validated ? "validation accuracy" : "retained importance"
        let front = result.paretoFront.map { candidate in
            "MACs \(candidate.cost.macs) fitness \(fixed3(candidate.fitness))"
                + (candidate.fitnessBeforeFineTuning.map { " (\(fixed3($0)) before fine-tuning)" } ?? "")
        }
        let predicted = result.best.cost.predictedCounter.map { String(format: ", predicted counter %.0f (objective: energy)", $0) } ?? ""
        return "genetic (\(criterion.rawValue), fitness \(fitness) \(fixed4(result.best.fitness))\(predicted), "
            + "\(result.evaluatedCandidates) candidates, Pareto front \(result.paretoFront.count): "
            + front.joined(separator: "; ") + ")"
    }

    private static func fixed3(_ value: Double) -> String { String(format: "%.3f", value) }
    private static func fixed4(_ value: Double) -> String { String(format: "%.4f", value) }
}
