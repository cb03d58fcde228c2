import ArgumentParser
import Foundation

/// `tinyhil`: prune, inspect, run and measure TinyML models on a board or the virtual bench.
@main
struct TinyHIL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tinyhil",
        abstract: "Hardware-in-the-loop energy, latency and accuracy tests for pruned TinyML models.",
        version: "0.1.0",
        subcommands: [
            // Each subcommand lives in its own file in this folder; keep this list one per line.
            Version.self,
            StoreWriter.self,
            History.self,
            Report.self,
            Measure.self,
            Budgets.self,
            Demo.self,
            DevicesCommand.self,
            FlashCommand.self,
            ProfileCommand.self,
            CostModelCommand.self,
            AlignCommand.self,
            ExportCCommand.self,
            Inspect.self,
            Prune.self,
            Finetune.self,
            Quantize.self,
            Infer.self,
            Eval.self,
            BenchHost.self,
            BoardsCommand.self,
        ]
    )

    /// Parses and runs like ArgumentParser's own entry point, after rewriting the deprecated flat `prune` form.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        switch LegacyPruneForm.interpret(arguments) {
        case .unchanged: break
        case let .rewritten(rewritten, note):
            FileHandle.standardError.write(Data(note.utf8))
            arguments = rewritten
        case let .refused(message):
            exit(withError: ValidationError(message))
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the tinyhil version.")
    func run() { print(TinyHIL.configuration.version) }
}
