import ArgumentParser
import Bench
import Foundation

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how each firmware version moved a metric, with intervals; flags significant changes and regressions (the rule assertNoRegression applies).",
        usage: "tinyhil history [--model <model>] [--metric <metric>] [<options>]")  // fits 80 columns

    @Option(help: "Only this model (as recorded, e.g. lenet_int8).") var model: String?
    @Option(help: "Only this board (its board id as recorded; a farm's shared store holds several).") var board: String?
    @Option(help: "energy | latency | accuracy") var metric: Metric = .energy
    @Flag(help: "Per-operator profiles (`tinyhil profile`) across firmware builds instead of a metric: each build's total and the operators the last build moved most.")
    var profiles = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let resultStore = try store.open()
        if profiles {
            printProfiles(try ProfileHistory.load(from: resultStore, model: model).filter { board == nil || $0.boardID == board },
                          storePath: resultStore.path)
            return
        }
        let histories = try FirmwareHistory.load(from: resultStore, model: model, board: board, metric: metric)
        if histories.isEmpty {
            let scope = [model.map { "for \($0)" }, board.map { "on board \($0)" }].compactMap { $0 }.joined(separator: " ")
            print("No \(metric.rawValue) results in \(resultStore.path)\(scope.isEmpty ? "" : " " + scope).")
            return
        }
        // One history per model and board: a farm's store never mixes two boards' figures in one line.
        for history in histories {
            let boardNote = history.boardID.map { " on \($0)" } ?? ""
            print("\(history.modelName)\(boardNote) — \(metric.title) (\(metric.unit))")
            var table = TextTable(header: ["firmware", "build", "value", "95 % interval", "change", ""])
            for point in history.points {
                table.append([
                    point.firmwareVersion, String(point.firmwareBuildID.prefix(22)), String(format: "%.4g", point.value),
                    String(format: "[%.4g, %.4g]", point.intervalLow, point.intervalHigh),
                    point.changeFromPrevious.map { String(format: "%+.1f %%", $0 * 100) } ?? "—",
                    point.isRegression ? "regression" : point.isSignificant ? "significant" : "",
                ])
            }
            print(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}

extension History {
    private func printProfiles(_ histories: [ProfileHistory], storePath: String) {
        if histories.isEmpty {
            print("No operator profiles in \(storePath)\(model.map { " for \($0)" } ?? ""): record some with tinyhil profile MODEL.")
            return
        }
        for history in histories {
            print("\(history.modelName) on \(history.boardID) — \(history.counterUnit) per inference")
            var table = TextTable(header: ["firmware", "build", "total", "change"])
            for entry in history.entries {
                table.append([entry.firmwareVersion, String(entry.firmwareBuildID.prefix(22)), String(entry.totalCounter),
                              entry.totalChange.map { String(format: "%+.1f %%", $0 * 100) } ?? "—"])
            }
            print(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            let moved = history.lastOperatorChanges.filter { $0.current != $0.previous }.prefix(5)
            guard !moved.isEmpty else { continue }
            print("  operators the last build moved most:")
            var operators = TextTable(header: ["#", "operator", "before", "after", "change"])
            for change in moved {
                operators.append([String(change.index), change.name, String(change.previous), String(change.current),
                                  change.change.map { String(format: "%+.1f %%", $0 * 100) } ?? "—"])
            }
            print(operators.render().split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        }
    }
}

extension Metric: ExpressibleByArgument {}
