import ArgumentParser

/// `tinyhil prune channels|weights|search MODEL -o OUT …`: one subcommand per pruning mode, each with only its
/// own options.
struct Prune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prune a .tflite model (int8 or float32): remove channels, zero weights, or search ratios under limits.",
        discussion: """
            Every mode can fine-tune the pruned model on the host afterwards (--finetune-epochs N) and \
            prints a before/after report (--json for scripts). The flat form of 0.1 (tinyhil prune MODEL \
            --ratio R | --sparsity S | --genetic …) still works in this release, with a note naming the new form.
            """,
        subcommands: [PruneChannels.self, PruneWeights.self, PruneSearch.self]
    )
}
