import ArgumentParser
import Bench
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report (SVG charts, no network needed) of every recorded result.")

    @Option(name: .shortAndLong, help: "Output HTML file.") var output: String = "report.html"
    @OptionGroup var store: StoreOptions

    func run() throws {
        let html = try HTMLReport.render(store: try store.open())
        try Data(html.utf8).write(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }
}
