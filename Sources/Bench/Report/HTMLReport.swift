import Foundation
import PowerMeter

/// A self-contained HTML page (inline CSS and SVG, no scripts, no network) with each metric per firmware version per
/// model, accuracy against energy for every recorded model, the current traces of the latest comparisons, and the
/// per-operator counters of the latest profiles.
public enum HTMLReport {
    public static func render(store: ResultStore, generatedAt: Date = Date()) throws(ResultStoreError) -> String {
        var body = try farm(store: store)
        var energyByModel: [String: Double] = [:]
        var accuracyByModel: [String: Double] = [:]
        for metric in Metric.allCases {
            let histories = try FirmwareHistory.load(from: store, metric: metric)
            let severalBoards = Set(histories.map(\.boardID)).count > 1
            body += "<h2>\(SVGChart.escape(metric.title)) (\(metric.unit))</h2>\n"
            guard !histories.isEmpty else {
                body += "<p class=\"empty\">No \(metric.rawValue) results recorded yet.</p>\n"
                continue
            }
            var categories: [String] = []
            for history in histories {
                for point in history.points where !categories.contains(point.firmwareVersion) {
                    categories.append(point.firmwareVersion)
                }
                if let last = history.points.last {
                    let name = seriesName(history, severalBoards: severalBoards)
                    if metric == .energy { energyByModel[name] = last.value }
                    if metric == .accuracy { accuracyByModel[name] = last.value }
                }
            }
            let series = histories.map { history in
                SVGChart.Series(name: seriesName(history, severalBoards: severalBoards), points: history.points.compactMap { point in
                    categories.firstIndex(of: point.firmwareVersion).map {
                        (x: $0, value: point.value, low: point.intervalLow, high: point.intervalHigh)
                    }
                })
            }
            body += "<figure>" + SVGChart.line(categories: categories, series: series, yLabel: metric.unit) + "</figure>\n"
            body += table(histories: histories, metric: metric, severalBoards: severalBoards)
        }
        body += "<h2>Accuracy against energy (latest firmware of each model)</h2>\n"
        let both = energyByModel.keys.filter { accuracyByModel[$0] != nil }.sorted()
        if both.isEmpty {
            body += "<p class=\"empty\">No model has both an energy and an accuracy result yet.</p>\n"
        } else {
            let points = both.map { (label: $0, x: energyByModel[$0]!, y: accuracyByModel[$0]!) }
            body += "<figure>" + SVGChart.scatter(points: points, xLabel: "energy per inference (µJ)", yLabel: "accuracy (%)",
                                                       xUnit: Metric.energy.unit, yUnit: Metric.accuracy.unit) + "</figure>\n"
        }
        body += try traces(store: store)
        body += try profiles(store: store)
        let stamp = ISO8601DateFormatter().string(from: generatedAt)
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>TinyHIL report</title>
        <style>
        body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
        table{border-collapse:collapse;margin:0.5rem 0 1.5rem;max-width:100%}td{overflow-wrap:anywhere}td,th{border:1px solid #ccc;padding:0.25rem 0.6rem;text-align:right}
        figure{margin:0.5rem 0;overflow-x:auto}th{background:#f0f0f0}td:first-child,td:nth-child(2){text-align:left}.sig{color:#b00;font-weight:bold}.empty{color:#777}
        </style></head><body>
        <h1>TinyHIL results</h1>
        <p>Store: <code>\(SVGChart.escape(store.path))</code> · generated \(stamp). Intervals: 95 % bootstrap confidence
        intervals of the median (energy), Wilson intervals (accuracy). A change is flagged when the intervals of two
        consecutive firmware versions do not overlap and the change is at least \(Int(FirmwareHistory.minimumPracticalChange * 100)) %.</p>
        \(body)
        </body></html>
        """
    }

    /// The saved traces of the latest comparisons (at most `traceLimit`), newest first.
    static let traceLimit = 4

    private static func traces(store: ResultStore) throws(ResultStoreError) -> String {
        var seen: Set<String> = []
        let comparisons = try store.results(kind: .comparison).sorted { $0.recordedAt > $1.recordedAt }.filter { result in
            guard let path = result.tracePath else { return false }
            return seen.insert(path).inserted
        }
        guard !comparisons.isEmpty else { return "" }
        var html = "<h2>Current traces (latest comparisons)</h2>\n"
        for result in comparisons.prefix(traceLimit) {
            let path = result.tracePath ?? ""
            let title = [result.baselineModelName, result.modelName].compactMap { $0 }.joined(separator: " vs ")
            html += "<h3>\(SVGChart.escape(title)) · firmware \(SVGChart.escape(result.firmwareVersion))</h3>\n"
            do {
                let trace = try GenericTraceCSV.read(contentsOf: URL(fileURLWithPath: path))
                html += "<figure>" + SVGTraceChart.render(trace) + "<figcaption><code>\(SVGChart.escape(path))</code></figcaption></figure>\n"
            } catch {
                html += "<p class=\"empty\">Trace <code>\(SVGChart.escape(path))</code> cannot be shown: \(SVGChart.escape(error.description))</p>\n"
            }
        }
        return html
    }

    /// The newest operator profile of each model on each board (`tinyhil profile`), as bars.
    private static func profiles(store: ResultStore) throws(ResultStoreError) -> String {
        let profiles = try store.latestProfiles()
        guard !profiles.isEmpty else { return "" }
        var html = "<h2>Where the time goes: operators (latest profile of each model on each board)</h2>\n"
        for profile in profiles {
            html += "<h3>\(SVGChart.escape(profile.modelName)) · \(SVGChart.escape(profile.boardID)) · firmware \(SVGChart.escape(profile.firmwareVersion))</h3>\n"
            let unitNote = profile.counterUnit == "instructions"
                ? "Instructions (QEMU -icount), not Cortex-M0+ cycles." : "Unit: \(SVGChart.escape(profile.counterUnit))."
            html += "<figure>" + SVGProfileChart.render(profile) + "<figcaption>\(unitNote)</figcaption></figure>\n"
        }
        return html
    }

    /// The model's name, with its board when the store holds results from several boards (a farm).
    private static func seriesName(_ history: FirmwareHistory, severalBoards: Bool) -> String {
        guard severalBoards, let board = history.boardID else { return history.modelName }
        return "\(history.modelName) · \(board)"
    }

    /// Which boards recorded how many results, with their firmware versions and latest result (a farm's overview);
    /// nothing when the store holds one board's results.
    private static func farm(store: ResultStore) throws(ResultStoreError) -> String {
        let byBoard = Dictionary(grouping: try store.results(), by: \.boardID)
        guard byBoard.count > 1 else { return "" }
        var html = "<h2>Boards</h2>\n<table><tr><th>board</th><th>firmware versions</th><th>results</th><th>latest</th></tr>\n"
        let stamp = ISO8601DateFormatter()
        for board in byBoard.keys.sorted() {
            let results = byBoard[board] ?? []
            var versions: [String] = []
            for result in results where !versions.contains(result.firmwareVersion) { versions.append(result.firmwareVersion) }
            let latest = results.map(\.recordedAt).max().map { stamp.string(from: $0) } ?? ""
            html += "<tr><td>\(SVGChart.escape(board))</td><td>\(SVGChart.escape(versions.joined(separator: ", ")))</td>"
            html += "<td>\(results.count)</td><td>\(latest)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private static func table(histories: [FirmwareHistory], metric: Metric, severalBoards: Bool) -> String {
        var html = "<table><tr><th>model</th><th>firmware</th><th>value (\(metric.unit))</th><th>interval</th><th>change</th></tr>\n"
        for history in histories {
            for point in history.points {
                let change = point.changeFromPrevious.map { String(format: "%+.1f %%", $0 * 100) } ?? "—"
                let mark = point.isSignificant ? " class=\"sig\"" : ""
                html += "<tr><td>\(SVGChart.escape(seriesName(history, severalBoards: severalBoards)))</td><td>\(SVGChart.escape(point.firmwareVersion))</td>"
                html += "<td>\(SVGChart.fmt(point.value))</td><td>[\(SVGChart.fmt(point.intervalLow)), \(SVGChart.fmt(point.intervalHigh))]</td>"
                html += "<td\(mark)>\(change)\(point.isSignificant ? " ⚑" : "")</td></tr>\n"
            }
        }
        return html + "</table>\n"
    }
}
