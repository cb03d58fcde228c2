import ArgumentParser
import Foundation
import Footprint
import Inference
import Pruning
import TFLite

/// `tinyhil prune search MODEL -o OUT --max-arena B --max-flash B --max-macs N [--data fashion-mnist]`.
struct PruneSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search per-layer channel ratios (genetic) under hard RAM, flash and MAC limits.",
        discussion: """
            Candidates that break a limit are never returned; the fittest feasible one is written and the \
            Pareto front (fitness against MACs) is printed. Fitness is the retained channel importance, or the \
            accuracy on a validation set (--data fashion-mnist: the last --validation-images images of the \
            training split, never the test split; or --validation-inputs/--validation-labels).

            With --finetune-epochs N and a validation set, every member of the Pareto front is fine-tuned, \
            measured again (limits, validation accuracy), and the best fine-tuned member is written.

            --objective energy writes the candidate with the fewest instructions/cycles predicted by a cost \
            model ('tinyhil cost-model fit') whose fitness is at least --accuracy-floor (after fine-tuning, \
            when --finetune-epochs is given).
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable { case l1, l2 }
    enum Objective: String, ExpressibleByArgument, CaseIterable { case accuracy, energy }

    @OptionGroup var io: PruneModelArguments

    @Option(help: "Hard limit on TFLite Micro arena bytes (planned head + persistent estimate).")
    var maxArena: Int?

    @Option(help: "Hard limit on flash (.tflite) bytes.")
    var maxFlash: Int?

    @Option(help: "Hard limit on MACs (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED).")
    var maxMacs: Int?

    @Option(help: "How channels are ranked within a layer.")
    var method: Method = .l1

    @Option(help: "accuracy: the fittest candidate; energy: the fewest predicted instructions/cycles (--cost-model) at or above --accuracy-floor.")
    var objective: Objective = .accuracy

    @Option(help: "With --objective energy: a cost model from 'tinyhil cost-model fit'.")
    var costModel: String?

    @Option(help: "With --objective energy: the lowest fitness allowed (validation accuracy 0...1, or retained importance without validation data).")
    var accuracyFloor: Double?

    @Option(help: "Generations.")
    var generations: Int = 25

    @Option(help: "Population size.")
    var population: Int = 10

    @Option(help: "Seed of the search and the fine-tuning's shuffling.")
    var seed: UInt64 = 0

    @Option(help: ".npy validation inputs (not the test split); fitness is then accuracy.")
    var validationInputs: String?

    @Option(help: ".npy validation labels (integers, one per input).")
    var validationLabels: String?

    @Option(help: "With --data: how many validation images.")
    var validationImages: Int = 1000

    @OptionGroup(title: "Fine-tuning (--data also selects the validation set)") var fineTuning: PruneFineTuningOptions

    func validate() throws {
        if maxArena == nil, maxFlash == nil, maxMacs == nil {
            throw ValidationError("give at least one of --max-arena, --max-flash, --max-macs")
        }
        if (validationInputs == nil) != (validationLabels == nil) {
            throw ValidationError("give both --validation-inputs and --validation-labels")
        }
        if fineTuning.data != nil, validationInputs != nil {
            throw ValidationError("give either --data or --validation-inputs, not both")
        }
        guard validationImages > 0 else { throw ValidationError("--validation-images must be positive") }
        guard generations >= 1, population >= 2 else {
            throw ValidationError("--generations must be at least 1 and --population at least 2")
        }
        try fineTuning.check(dataHasOtherUse: true)
        if objective == .energy {
            guard costModel != nil, let accuracyFloor else {
                throw ValidationError("--objective energy needs --cost-model COST.json (from 'tinyhil cost-model fit') and --accuracy-floor F")
            }
            guard (0...1).contains(accuracyFloor) else { throw ValidationError("--accuracy-floor must be in 0 ... 1") }
        } else if costModel != nil || accuracyFloor != nil {
            throw ValidationError("--cost-model and --accuracy-floor go with --objective energy")
        }
    }

    func searchObjective() throws -> SearchObjective {
        guard objective == .energy, let costModel, let accuracyFloor else { return .fitness }
        do {
            let fitted = try JSONDecoder().decode(OperatorCostModel.self, from: Data(contentsOf: URL(fileURLWithPath: costModel)))
            return .predictedCost(fitted, fitnessFloor: accuracyFloor)
        } catch {
            throw CommandFailure("cannot read the cost model \(costModel): \(error)")
        }
    }

    func run() async throws {
        let original = try io.read()
        let criterion = ChannelCriterion(rawValue: method.rawValue) ?? .l1
        let validation = try validationSet(original.bytes)
        // With fine-tuning afterwards the accuracy floor applies to the fine-tuned front, not to the search.
        var objective = try searchObjective()
        if case .predictedCost(let fitted, _) = objective, fineTuning.finetuneEpochs != nil, validation != nil {
            objective = .predictedCost(fitted, fitnessFloor: 0)
        }
        let search = GeneticSearch(population: population, generations: generations, seed: seed, criterion: criterion,
                                   objective: objective)
        let quiet = io.json
        let result: GeneticSearchResult
        let changes: [PruningReport.Change]
        do {
            result = try await search.run(
                model: original.model,
                limits: ResourceLimits(maxArenaBytes: maxArena, maxFlashBytes: maxFlash, maxMACs: maxMacs),
                validation: validation,
                progress: { generation, best in
                    guard !quiet else { return }
                    let fitness = best.map { String(format: "%.4f", $0) } ?? "none feasible yet"
                    FileHandle.standardError.write(Data("generation \(generation + 1): best fitness \(fitness)\n".utf8))
                })
            changes = try PruningReport.changes(of: result, original: original.model, criterion: criterion)
        } catch {
            throw CommandFailure("\(io.model): \(error)")
        }
        guard fineTuning.finetuneEpochs != nil, let validation else {
            // Without validation data only the written model is fine-tuned (nothing could re-rank the front).
            let label = PruningReport.method(of: result, criterion: criterion, validated: validation != nil)
            try await io.finish(result.best.model, original: original, changes: changes, method: label,
                                fineTuning: fineTuning, seed: seed)
            return
        }
        let tuned = try await fineTuneFront(result, original: original, validation: validation, quiet: quiet)
        let tunedChanges: [PruningReport.Change]
        do { tunedChanges = try PruningReport.changes(of: tuned, original: original.model, criterion: criterion) } catch {
            throw CommandFailure("\(io.model): \(error)")
        }
        let label = PruningReport.method(of: tuned, criterion: criterion, validated: true)
            + "; every Pareto-front member fine-tuned \(fineTuning.finetuneEpochs!) epochs"
            + "\(fineTuning.distill ? " with distillation" : "") and measured again"
        var written = fineTuning
        written.finetuneEpochs = nil
        try await io.finish(tuned.best.model, original: original, changes: tunedChanges, method: label,
                            fineTuning: written, seed: seed)
    }

    /// Fine-tunes each member of the Pareto front (the trainer is injected into the search from here: Pruning does
    /// not depend on Training) and re-ranks the front by validation accuracy.
    private func fineTuneFront(_ result: GeneticSearchResult, original: (model: Model, bytes: [UInt8]),
                               validation: ValidationSet, quiet: Bool) async throws -> GeneticSearchResult {
        let search = GeneticSearch(population: population, generations: generations, seed: seed,
                                   criterion: ChannelCriterion(rawValue: method.rawValue) ?? .l1, objective: try searchObjective())
        let fineTuning = self.fineTuning, modelPath = io.model, seed = self.seed
        do {
            return try await search.fineTuningParetoFront(
                of: result, limits: ResourceLimits(maxArenaBytes: maxArena, maxFlashBytes: maxFlash, maxMACs: maxMacs),
                validation: validation,
                progress: { member, members in
                    guard !quiet else { return }
                    FileHandle.standardError.write(Data("fine-tuning Pareto-front member \(member + 1) of \(members)\n".utf8))
                },
                fineTune: { candidate in
                    try await fineTuning.fineTune(candidate.model, unpruned: original.model, unprunedPath: modelPath,
                                                  seed: seed, quiet: quiet).model
                })
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(io.model): fine-tuning the Pareto front: \(error)")
        }
    }

    private func validationSet(_ modelBytes: [UInt8]) throws -> ValidationSet? {
        if fineTuning.data != nil {
            do {
                return try ValidationSet.fashionMNISTValidation(count: validationImages, for: try EngineModel(bytes: modelBytes))
            } catch {
                throw CommandFailure("cannot load the validation images: \(error)")
            }
        }
        guard let validationInputs, let validationLabels else { return nil }
        do {
            let inputs = try NumPyArray(contentsOf: URL(fileURLWithPath: validationInputs))
            let labelArray = try NumPyArray(contentsOf: URL(fileURLWithPath: validationLabels))
            let labels: [Int] = labelArray.elementType == .uint8
                ? labelArray.bytes.map { Int($0) } : try (labelArray.values() as [Int32]).map { Int($0) }
            return ValidationSet(inputs: inputs, labels: labels)
        } catch {
            throw CommandFailure("cannot read validation data: \(error)")
        }
    }
}
