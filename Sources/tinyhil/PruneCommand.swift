import ArgumentParser
import Foundation
import Inference
import Pruning
import TFLite
import Training

/// `tinyhil prune MODEL -o OUT --method ... (--sparsity S | --ratio R | --ratios FILE)`.
struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prune a .tflite model (int8 or float32): unstructured weight sparsity or structured channel removal.",
        discussion: """
            Unstructured (--method magnitude|random with --sparsity): zeroes weights of CONV_2D, DEPTHWISE_CONV_2D \
            and FULLY_CONNECTED; shapes stay, only the compressed size shrinks. Structured (--method l1|l2 with \
            --ratio or --ratios): removes channels along the model's dependency graph (ADD groups, depthwise, \
            concatenation, flatten into dense); the classifier's outputs are never pruned. A ratios file is JSON: \
            {"<operator index or tensor name>": ratio}.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case magnitude, random, l1, l2, apoz
        case meanActivation = "mean-activation"

        var isStructured: Bool { ![.magnitude, .random].contains(self) }
    }

    @Argument(help: "Path of a .tflite model.")
    var model: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the pruned .tflite model.")
    var output: String

    @Option(help: "magnitude | random (unstructured, with --sparsity) or l1 | l2 | apoz | mean-activation (structured, with --ratio/--ratios; the last two need --calibration).")
    var method: Method?

    @Option(help: "A .npy batch of model inputs (first dimension = samples) for --method apoz | mean-activation.")
    var calibration: String?

    @Option(help: "Target weight sparsity in [0, 1) (unstructured).")
    var sparsity: Double?

    @Option(help: "Fraction of channels removed from every prunable group, in [0, 1) (structured, fixed mode).")
    var ratio: Double?

    @Option(help: "JSON file of per-layer ratios (structured, dynamic mode).")
    var ratios: String?

    @Option(help: "Keep channel counts a multiple of N (structured).")
    var roundTo: Int = 1

    @Flag(help: "One threshold across all layers instead of per layer (unstructured: magnitude; structured with --ratio: importance).")
    var global = false

    @Option(help: "Unstructured: zero blocks of N consecutive weights along input channels (1×N).")
    var block: Int?

    @Option(help: "Unstructured: N:M pattern along input channels, e.g. 2:4 (the sparsity is then 1 − N/M).")
    var nOfM: String?

    @Option(help: "Seed for --method random.")
    var seed: UInt64 = 0

    @Flag(help: "Structured, genetic mode: search per-layer ratios under --max-arena/--max-flash/--max-macs.")
    var genetic = false

    @Option(help: "Genetic: hard limit on TFLite Micro arena bytes (planned head + persistent estimate).")
    var maxArena: Int?

    @Option(help: "Genetic: hard limit on flash (.tflite) bytes.")
    var maxFlash: Int?

    @Option(help: "Genetic: hard limit on MACs (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED).")
    var maxMacs: Int?

    @Option(help: "Genetic: generations.")
    var generations: Int = 25

    @Option(help: "Genetic: population size.")
    var population: Int = 10

    @Option(help: "Genetic: .npy validation inputs (not the test split); fitness is then accuracy. Needs --validation-labels.")
    var validationInputs: String?

    @Option(help: "Genetic: .npy validation labels (integers, one per input).")
    var validationLabels: String?

    @Option(help: "Genetic: 'fashion-mnist' validates on the last --validation-images images of its training split (never the test split).")
    var data: String?

    @Option(help: "Genetic with --data: how many validation images.")
    var validationImages: Int = 1000

    @Flag(help: "Print the before/after report as JSON.")
    var json = false

    @Option(help: "Fine-tune the pruned model for N epochs (with --data fashion-mnist or --finetune-inputs/--finetune-labels), then quantize it back to the input's type.")
    var finetuneEpochs: Int?

    @Option(help: "Fine-tuning: mini-batch size.")
    var finetuneBatch: Int = 64

    @Option(help: "Fine-tuning: learning rate (Adam, cosine decay).")
    var finetuneLr: Float = 1e-3

    @Option(help: "Fine-tuning: .npy training inputs instead of --data.")
    var finetuneInputs: String?

    @Option(help: "Fine-tuning: .npy integer labels for --finetune-inputs.")
    var finetuneLabels: String?

    @Flag(help: "Fine-tuning: distil from the unpruned input model as teacher (with labels: half label loss, half distillation).")
    var distill = false

    func validate() throws {
        let modes = [sparsity != nil || nOfM != nil, ratio != nil, ratios != nil, genetic].filter { $0 }.count
        guard modes == 1 else {
            throw ValidationError("give exactly one of --sparsity (or --n-of-m), --ratio, --ratios, --genetic")
        }
        if genetic, maxArena == nil, maxFlash == nil, maxMacs == nil {
            throw ValidationError("--genetic needs at least one of --max-arena, --max-flash, --max-macs")
        }
        if genetic, method == .apoz || method == .meanActivation {
            throw ValidationError("--genetic ranks channels by l1 or l2")
        }
        if (validationInputs == nil) != (validationLabels == nil) {
            throw ValidationError("give both --validation-inputs and --validation-labels")
        }
        if let finetuneEpochs {
            guard finetuneEpochs >= 1 else { throw ValidationError("--finetune-epochs must be at least 1") }
            guard (data != nil) != (finetuneInputs != nil) else {
                throw ValidationError("--finetune-epochs needs exactly one of --data fashion-mnist and --finetune-inputs X.npy")
            }
            if finetuneLabels == nil, finetuneInputs != nil, !distill {
                throw ValidationError("--finetune-inputs without --finetune-labels needs --distill (the unpruned model as teacher)")
            }
        } else if finetuneInputs != nil || finetuneLabels != nil || distill {
            throw ValidationError("--finetune-inputs, --finetune-labels and --distill go with --finetune-epochs N")
        }
        if let data {
            guard data == "fashion-mnist" else { throw ValidationError("--data: only 'fashion-mnist' is known (or give --validation-inputs/--validation-labels)") }
            guard genetic || finetuneEpochs != nil else { throw ValidationError("--data is for --genetic (validation accuracy as fitness) or --finetune-epochs") }
            guard validationInputs == nil else { throw ValidationError("give either --data or --validation-inputs, not both") }
            guard validationImages > 0 else { throw ValidationError("--validation-images must be positive") }
        }
        if let method {
            let structured = ratio != nil || ratios != nil || genetic
            if structured, !method.isStructured {
                throw ValidationError("--method \(method.rawValue) is unstructured: use --sparsity, or --method l1|l2 with --ratio")
            }
            if !structured, method.isStructured {
                throw ValidationError("--method \(method.rawValue) is structured: use --ratio or --ratios, or --method magnitude with --sparsity")
            }
        }
        if method == .apoz || method == .meanActivation, calibration == nil {
            throw ValidationError("--method \(method!.rawValue) ranks channels by activations: give --calibration INPUTS.npy")
        }
        if roundTo < 1 { throw ValidationError("--round-to must be at least 1") }
    }

    func run() async throws {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model))) } catch {
            throw PruneFailure("cannot read \(model): \(error.localizedDescription); check the path")
        }
        do {
            let original = try Model(bytes: bytes)
            var pruned: Model
            let changes: [PruningReport.Change]
            var label: String
            if genetic {
                let criterion = ChannelCriterion(rawValue: method?.rawValue ?? "l1") ?? .l1
                var validation: ValidationSet?
                if data != nil {
                    do {
                        validation = try ValidationSet.fashionMNISTValidation(
                            count: validationImages, for: try EngineModel(bytes: bytes))
                    } catch {
                        throw PruneFailure("cannot load the validation images: \(error)")
                    }
                }
                if let validationInputs, let validationLabels {
                    do {
                        let inputs = try NumPyArray(contentsOf: URL(fileURLWithPath: validationInputs))
                        let labelArray = try NumPyArray(contentsOf: URL(fileURLWithPath: validationLabels))
                        let labels: [Int] = labelArray.elementType == .uint8
                            ? labelArray.bytes.map { Int($0) } : try (labelArray.values() as [Int32]).map { Int($0) }
                        validation = ValidationSet(inputs: inputs, labels: labels)
                    } catch {
                        throw PruneFailure("cannot read validation data: \(error)")
                    }
                }
                let search = GeneticSearch(population: population, generations: generations, seed: seed, criterion: criterion)
                let quiet = json
                let result = try await search.run(
                    model: original, limits: ResourceLimits(maxArenaBytes: maxArena, maxFlashBytes: maxFlash, maxMACs: maxMacs),
                    validation: validation,
                    progress: { generation, best in
                        if !quiet {
                            FileHandle.standardError.write(Data("generation \(generation + 1): best fitness \(best.map { String(format: "%.4f", $0) } ?? "none feasible yet")\n".utf8))
                        }
                    })
                pruned = result.best.model
                let graph = try DependencyGraph(model: original)
                changes = graph.groups.filter(\.isPrunable).map { group in
                    let ratio = result.best.ratios[group.id] ?? 0
                    let removed = (try? ChannelPruner(criterion: criterion).removedCount(channels: group.channelCount, ratio: ratio)) ?? 0
                    return PruningReport.Change(layer: "\(group.label) ratio \(ratio)", before: group.channelCount,
                                                after: group.channelCount - removed, sparsity: nil)
                }
                label = "genetic (\(criterion.rawValue), fitness \(validation == nil ? "retained importance" : "validation accuracy") \(String(format: "%.4f", result.best.fitness)), \(result.evaluatedCandidates) candidates, Pareto front \(result.paretoFront.count): " + result.paretoFront.map { "MACs \($0.cost.macs) fitness \(String(format: "%.3f", $0.fitness))" }.joined(separator: "; ") + ")"
            } else if ratio != nil || ratios != nil {
                let criterion = ChannelCriterion(rawValue: method?.rawValue ?? "l1") ?? .l1
                let request: ChannelRatios = try ratio.map { global ? .global($0) : .fixed($0) }
                    ?? ChannelRatios.load(from: URL(fileURLWithPath: ratios!))
                let pruner = ChannelPruner(criterion: criterion, roundTo: roundTo)
                let result: ChannelPruningResult
                if let calibration, criterion.isDataDriven {
                    let inputs: NumPyArray
                    do { inputs = try NumPyArray(contentsOf: URL(fileURLWithPath: calibration)) } catch {
                        throw PruneFailure("cannot read calibration inputs \(calibration): \(error)")
                    }
                    result = try await pruner.prune(original, ratios: request, calibration: inputs)
                } else {
                    result = try pruner.prune(original, ratios: request)
                }
                pruned = result.model
                changes = PruningReport.changes(of: result)
                label = "structured \(criterion.rawValue), " + (ratio.map { "\(global ? "global " : "")ratio \($0)" } ?? "ratios from \(ratios!)")
            } else {
                let selection: WeightSelection = method == .random ? .random(seed: seed) : .magnitude
                var pattern = SparsityPattern.elementwise
                if let block { pattern = .block(length: block) }
                if let nOfM {
                    let parts = nOfM.split(separator: ":").compactMap { Int($0) }
                    guard parts.count == 2 else { throw PruneFailure("--n-of-m expects N:M, e.g. 2:4; got \(nOfM)") }
                    pattern = .nOfM(n: parts[0], m: parts[1])
                }
                let result = try WeightPruner(selection: selection, scope: global ? .global : .perLayer, pattern: pattern)
                    .prune(original, sparsity: sparsity ?? 0)
                pruned = result.model
                changes = PruningReport.changes(of: result)
                label = "unstructured \(method?.rawValue ?? "magnitude"), sparsity \(sparsity ?? 0)\(global ? " (global)" : "")"
            }
            if let finetuneEpochs {
                var arguments = ["--epochs", "\(finetuneEpochs)", "--batch", "\(finetuneBatch)", "--lr", "\(finetuneLr)",
                                 "--seed", "\(seed)"]
                if json { arguments.append("--quiet") }
                if let data { arguments += ["--data", data] }
                if let finetuneInputs { arguments += ["--inputs", finetuneInputs] }
                if let finetuneLabels { arguments += ["--labels", finetuneLabels] }
                if distill { arguments += ["--teacher", model] }
                let training = try TrainingArguments.parse(arguments)
                let result = try await training.fineTune(pruned, teacher: distill ? original : nil)
                pruned = result.model
                let accuracy = result.summary.validationAccuracies.last.map { String(format: ", validation accuracy %.2f %%", $0 * 100) } ?? ""
                label += "; fine-tuned \(finetuneEpochs) epochs\(distill ? " with distillation" : "")\(result.quantized ? ", re-quantized to int8" : "")\(accuracy)"
            }
            let prunedBytes = try pruned.serialized()
            try AtomicModelWriter.write(pruned, to: URL(fileURLWithPath: output))
            let report = try PruningReport(method: label, original: original, originalBytes: bytes, pruned: pruned,
                                           prunedBytes: prunedBytes, changes: changes)
            print(json ? try report.json() : report.text())
        } catch let failure as PruneFailure {
            throw failure
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw PruneFailure("\(model): \(error)")
        }
    }
}

/// A message for stderr; ArgumentParser prints it and exits non-zero.
struct PruneFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
