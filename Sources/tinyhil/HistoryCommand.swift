import ArgumentParser
import Bench
import Foundation

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how each firmware version moved a metric, with intervals; flags significant changes and regressions (the rule assertNoRegression applies).")

    @Option(help: "Only this model (as recorded, e.g. lenet_int8).") var model: String?
    @Option(help: "Only this board (its board id as recorded; a farm's shared store holds several).") var board: String?
    @Option(help: "energy | latency | accuracy") var metric: Metric = .energy
    @OptionGroup var store: StoreOptions

    func run() throws {
        let resultStore = try store.open()
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

extension Metric: ExpressibleByArgument {}
