import ArgumentParser
import Bench
import Foundation

struct Budgets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a budget log (written by the HIL assertions when TINYHIL_BUDGET_LOG is set) as Markdown.")

    @Argument(help: "The JSON-lines budget log.") var log: String
    @Option(name: .shortAndLong, help: "Write the Markdown here instead of stdout.") var output: String?
    @Flag(help: "Exit non-zero when any budget failed.") var failOnBroken = false

    func run() throws {
        let records = try BudgetLog.read(log)
        let markdown = BudgetLog.markdown(records)
        if let output {
            try Data(markdown.utf8).write(to: URL(fileURLWithPath: output))
        } else {
            print(markdown, terminator: "")
        }
        if failOnBroken && records.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
