import ArgumentParser
import Foundation
import TFLite

/// `tinyhil align MODEL -o OUT`: rewrites a model through TinyHIL's writer so every buffer is 16-byte aligned.
struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Rewrite a .tflite model with every buffer's data 16-byte aligned (for TFLite Micro on Cortex-M).")

    @Argument(help: "The .tflite model to read.")
    var model: String

    @Option(name: .shortAndLong, help: "Where to write the aligned model.")
    var output: String

    func run() throws {
        try reportingErrors(of: model) {
            let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
            let before = try BufferAlignmentReport(bytes: input)
            let rewritten = try Model(bytes: input).serialized()
            let after = try BufferAlignmentReport(bytes: rewritten)
            try Data(rewritten).write(to: URL(fileURLWithPath: output))
            print("before: \(before.misalignedBuffers.count) of \(before.buffersWithData) buffers not 16-byte aligned (\(input.count) bytes)")
            print("after:  \(after.misalignedBuffers.count) of \(after.buffersWithData) buffers not 16-byte aligned (\(rewritten.count) bytes)")
            print("wrote \(output)")
        }
    }
}
