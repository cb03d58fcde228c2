import ArgumentParser
import Bench
import Foundation

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the bundled baseline and pruned LeNets on a bench: accuracy, RAM, MACs, flash, latency, energy.",
        usage: "tinyhil demo [--bench <bench>] [--report <report>] [<options>]",  // fits 80 columns; the options are listed below
        discussion: "Prints the comparison table, records every result and writes the HTML report.")

    @OptionGroup var bench: BenchOptions
    @Option(help: "Fashion-MNIST test images for on-board accuracy.") var images: Int = 300
    @Option(help: "Energy windows per model.") var windows: Int = 8
    @Option(help: "Folder holding the models.") var models: String = "fixtures/models"
    @Option(help: "HTML report to write.") var report: String = "report.html"
    @OptionGroup var store: StoreOptions

    static let modelNames = ["lenet_int8", "lenet_magnitude_pruned_int8", "lenet_channel_pruned_int8"]

    func run() async throws {
        let modelsUnderTest = try Self.modelNames.map {
            try ModelUnderTest(contentsOf: URL(fileURLWithPath: models).appendingPathComponent("\($0).tflite"))
        }
        let data = try LabelledInputs.fashionMNIST(limit: images, for: modelsUnderTest[0])
        let resultStore = try store.open()
        let windows = self.windows
        let rows = try await Bench.with(try bench.configuration()) { bench in
            var rows: [ModelSummary] = []
            for model in modelsUnderTest {
                FileHandle.standardError.write(Data("measuring \(model.name) …\n".utf8))
                rows.append(try await bench.summarize(model, data: data, windows: windows, store: resultStore))
            }
            return rows
        }
        print(ModelSummaryTable.text(rows, dataName: data.name))
        try Data(try HTMLReport.render(store: resultStore).utf8).write(to: URL(fileURLWithPath: report))
        print("\nrecorded in \(resultStore.path); report written to \(report)")
    }
}
