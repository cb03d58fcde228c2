import ArgumentParser
import Bench
import Foundation

/// `tinyhil boards FILE`: the names of a bench file's boards, one per line (what `ci/hil-gate` spreads the HIL suite
/// over). The file is checked like every bench file, so a mistake is reported before any test process starts.
struct BoardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boards",
        abstract: "List the boards of a bench file (one name per line), checking the file.")

    @Argument(help: "The bench file (YAML).") var file: String

    func run() throws {
        let bench: BenchFile
        do { bench = try BenchFile.load(path: file) } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        for entry in bench.boards { print(entry.name) }
    }
}
