import Footprint
import TFLite

extension GeneticSearch {
    /// Fine-tunes every member of `result`'s Pareto front with `fineTune` (injected by the caller: Pruning does not
    /// depend on the trainer), measures each again — resources, limits, validation accuracy — and returns the
    /// result with the front and the best candidate chosen among the fine-tuned models (by the search's
    /// objective). A fine-tuned model that no longer meets a limit is dropped; if none does, the search's result is returned unchanged.
    ///
    /// Under ``SearchObjective/predictedCost(_:fitnessFloor:)`` the floor applies to the fine-tuned accuracies (a
    /// search that fine-tunes afterwards can run with floor 0); none reaching it is a typed error.
    ///
    /// Members are fine-tuned one after another (a fine-tuning run uses every core itself); `progress` is told
    /// each member's position before it starts.
    public func fineTuningParetoFront(
        of result: GeneticSearchResult, limits: ResourceLimits, validation: ValidationSet,
        progress: (@Sendable (_ member: Int, _ members: Int) -> Void)? = nil,
        fineTune: (PruningCandidate) async throws -> Model
    ) async throws -> GeneticSearchResult {
        var tuned: [PruningCandidate] = []
        for (index, candidate) in result.paretoFront.enumerated() {
            progress?(index, result.paretoFront.count)
            let model = try await fineTune(candidate)
            var costModel: OperatorCostModel?
            if case .predictedCost(let fitted, _) = objective { costModel = fitted }
            let cost = try CandidateEvaluator.cost(of: model, costModel: costModel)
            guard limits.violation(cost) == 0 else { continue }
            let accuracy = try await CandidateEvaluator.accuracy(of: model, on: validation)
            tuned.append(PruningCandidate(ratios: candidate.ratios, model: model, cost: cost, fitness: accuracy,
                                          isFeasible: true, fitnessBeforeFineTuning: candidate.fitness))
        }
        guard !tuned.isEmpty else { return result }
        if case .predictedCost(_, let floor) = objective, !tuned.contains(where: { $0.fitness >= floor }) {
            throw PruningError.limitsUnreachable("no fine-tuned Pareto-front member reaches fitness \(floor) (the best reaches \(tuned.map(\.fitness).max()!)); lower the accuracy floor, fine-tune longer or relax a limit")
        }
        let objective = self.objective
        let best = tuned.max { a, b in
            let (ra, rb) = (Self.rank(a, objective: objective, limits: limits), Self.rank(b, objective: objective, limits: limits))
            return ra != rb ? ra < rb : a.cost.macs > b.cost.macs
        }!
        return GeneticSearchResult(best: best, paretoFront: Self.paretoFront(of: tuned),
                                   evaluatedCandidates: result.evaluatedCandidates)
    }
}
