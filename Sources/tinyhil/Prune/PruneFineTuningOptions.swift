import ArgumentParser
import Training
import TFLite

/// `--finetune-epochs N` and its data: fine-tune the pruned model on the host, then quantize it back to the input's
/// type. Shared by every `prune` mode.
struct PruneFineTuningOptions: ParsableArguments {
    @Option(help: "Fine-tune the pruned model for N epochs (on --data or --finetune-inputs), then quantize it back to the input's type.")
    var finetuneEpochs: Int?

    @Option(help: "'fashion-mnist': Debian's Fashion-MNIST training split (the last 1000 images held out).")
    var data: String?

    @Option(help: "Fine-tuning: .npy training inputs instead of --data.")
    var finetuneInputs: String?

    @Option(help: "Fine-tuning: .npy integer labels for --finetune-inputs.")
    var finetuneLabels: String?

    @Flag(help: "Fine-tuning: distil from the unpruned model as teacher (with labels: half label loss, half distillation).")
    var distill = false

    @Option(help: "Fine-tuning: mini-batch size.")
    var finetuneBatch: Int = 64

    @Option(help: "Fine-tuning: learning rate (Adam, cosine decay).")
    var finetuneLr: Float = 1e-3

    /// Checks the combination; `dataHasOtherUse` when the mode itself reads `--data` (search: the validation set).
    func check(dataHasOtherUse: Bool = false) throws {
        if let data, data != "fashion-mnist" {
            throw ValidationError("--data: only 'fashion-mnist' is known (or give --finetune-inputs X.npy)")
        }
        guard let finetuneEpochs else {
            if finetuneInputs != nil || finetuneLabels != nil || distill {
                throw ValidationError("--finetune-inputs, --finetune-labels and --distill go with --finetune-epochs N")
            }
            if data != nil, !dataHasOtherUse {
                throw ValidationError("--data is the fine-tuning data: add --finetune-epochs N")
            }
            return
        }
        guard finetuneEpochs >= 1 else { throw ValidationError("--finetune-epochs must be at least 1") }
        guard (data != nil) != (finetuneInputs != nil) else {
            throw ValidationError("--finetune-epochs needs exactly one of --data fashion-mnist and --finetune-inputs X.npy")
        }
        if finetuneLabels == nil, finetuneInputs != nil, !distill {
            throw ValidationError("--finetune-inputs without --finetune-labels needs --distill (the unpruned model as teacher)")
        }
    }

    /// Trains `pruned` (the unpruned model as teacher with `--distill`) with the `finetune` command's pipeline.
    func fineTune(_ pruned: Model, unpruned: Model, unprunedPath: String, seed: UInt64, quiet: Bool)
        async throws -> FineTuning.Result
    {
        var arguments = ["--epochs", "\(finetuneEpochs ?? 1)", "--batch", "\(finetuneBatch)", "--lr", "\(finetuneLr)",
                         "--seed", "\(seed)"]
        if quiet { arguments.append("--quiet") }
        if let data { arguments += ["--data", data] }
        if let finetuneInputs { arguments += ["--inputs", finetuneInputs] }
        if let finetuneLabels { arguments += ["--labels", finetuneLabels] }
        if distill { arguments += ["--teacher", unprunedPath] }
        let training = try TrainingArguments.parse(arguments)
        return try await training.fineTune(pruned, teacher: distill ? unpruned : nil)
    }
}
