import ArgumentParser
import Bench
import Foundation

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how each firmware version moved a metric, with intervals and flagged significant changes.")

    @Option(help: "Only this model (as recorded, e.g. lenet_int8).") var model: String?
    @Option(help: "energy | latency | accuracy") var metric: Metric = .energy
    @Option(help: "Result store (default: $TINYHIL_STORE or .tinyhil/results.sqlite).") var store: String = ResultStore.defaultPath

    func run() throws {
        let histories = try FirmwareHistory.load(from: try ResultStore(path: store), model: model, metric: metric)
        if histories.isEmpty {
            print("No \(metric.rawValue) results in \(store)\(model.map { " for \($0)" } ?? "").")
            return
        }
        for history in histories {
            print("\(history.modelName) — \(metric.title) (\(metric.unit))")
            print(String(format: "  %-14@ %-22@ %12@ %26@ %9@", "firmware" as NSString, "build" as NSString,
                         "value" as NSString, "95 % interval" as NSString, "change" as NSString))
            for point in history.points {
                let change = point.changeFromPrevious.map { String(format: "%+.1f %%", $0 * 100) } ?? "—"
                let interval = String(format: "[%.4g, %.4g]", point.intervalLow, point.intervalHigh)
                print(String(format: "  %-14@ %-22@ %12.4g %26@ %9@%@", point.firmwareVersion as NSString,
                             String(point.firmwareBuildID.prefix(22)) as NSString, point.value, interval as NSString,
                             change as NSString, (point.isSignificant ? "  significant" : "") as NSString))
            }
        }
    }
}

extension Metric: ExpressibleByArgument {}
