import ArgumentParser
import Foundation
import Testing

@testable import tinyhil

/// Help text is written as paragraphs and left to ArgumentParser to wrap: at 80 columns no line is longer, and no
/// abstract or discussion carries a hard line break inside a paragraph (that is what made the help ragged).
@Suite struct HelpLayoutTests {
    static func commands(_ root: ParsableCommand.Type = TinyHIL.self) -> [ParsableCommand.Type] {
        [root] + root.configuration.subcommands.flatMap { commands($0) }
    }

    /// ArgumentParser wraps everything but the USAGE line, so commands with many options give a short `usage:`.
    @Test func everyHelpFitsEightyColumns() {
        for command in Self.commands() {
            let help = TinyHIL.helpMessage(for: command, columns: 80)
            for line in help.split(separator: "\n") {
                #expect(line.count <= 80, "\(command): \(line)")
            }
        }
    }

    @Test func noParagraphHasAHardLineBreak() {
        for command in Self.commands() {
            let configuration = command.configuration
            #expect(!configuration.abstract.contains("\n"), "\(command) abstract")
            let paragraphs = configuration.discussion.components(separatedBy: "\n\n")
            for paragraph in paragraphs where !paragraph.hasPrefix("  ") {
                #expect(!paragraph.trimmingCharacters(in: .newlines).contains("\n"), "\(command): \(paragraph)")
            }
        }
    }

    @Test func pruneListsItsModes() {
        let help = TinyHIL.helpMessage(for: Prune.self, columns: 80)
        #expect(help.contains("channels") && help.contains("weights") && help.contains("search"))
        let channels = TinyHIL.helpMessage(for: PruneChannels.self, columns: 80)
        #expect(channels.contains("--ratio") && !channels.contains("--sparsity") && !channels.contains("--max-macs"))
    }
}
