import ArgumentParser
import Foundation
import TFLite

/// `tinyhil export-c MODEL -o model.h [--name g_model]`: a C header with the model as an aligned byte array.
struct ExportCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-c",
        abstract: "Write a .tflite model as a 16-byte aligned C array with its length, for firmware builds.")

    @Argument(help: "The .tflite model to export.")
    var model: String

    @Option(name: .shortAndLong, help: "The header file to write.")
    var output: String

    @Option(help: "C name of the array (its length is <name>_len).")
    var name: String = "g_model"

    @Flag(help: "Export the bytes as they are instead of rewriting them with 16-byte aligned buffers first.")
    var noAlign = false

    func run() throws {
        try reportingErrors(of: model) {
            let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: model)))
            let bytes = noAlign ? input : try Model(bytes: input).serialized()
            if noAlign { _ = try Model(bytes: input) }  // still refuse a malformed model
            let header = try CArrayExport(name: name).header(for: bytes, source: URL(fileURLWithPath: model).lastPathComponent)
            try Data(header.utf8).write(to: URL(fileURLWithPath: output))
            print("wrote \(output): \(name)[\(bytes.count)], \(name)_len")
        }
    }
}
