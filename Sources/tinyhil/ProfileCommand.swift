import ArgumentParser
import Bench
import DeviceLink
import Foundation
import Inference
import TFLite

/// `tinyhil profile MODEL --bench …`: per-operator counters for one inference on a board.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Run one inference on a board and print instructions/cycles per operator with its share of the total.",
        usage: "tinyhil profile <model> [--bench <bench>] [--inputs <inputs>] [<options>]",  // fits 80 columns; the options are listed below
        discussion: """
            The virtual board (QEMU -icount) counts instructions, not Cortex-M0+ cycles; real boards report cycles. \
            The table states the unit. The profile is recorded in the result store (unless --no-record), and \
            'tinyhil report' draws the latest profile of each model on each board as bars.
            """
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @OptionGroup var bench: BenchOptions

    @Option(name: .long, help: "Inputs (.npy, first dimension = batch). Default: MODEL's sibling X.inputs.npy if present, else zeros.")
    var inputs: String?

    @Option(name: .long, help: "Which input of the .npy batch to profile.")
    var index: Int = 0

    @Flag(help: "Do not record the profile in the store.")
    var noRecord = false

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let configuration = try bench.configuration()
        let modelURL = URL(fileURLWithPath: model)
        let underTest = try ModelUnderTest(contentsOf: modelURL)
        let resultStore = noRecord ? nil : try store.open()
        let (profile, facts, source, boardID) = try await configuration.withBoard { board in
            let info = try await board.device.load(underTest.bytes)
            let (input, source) = try loadInput(modelURL: modelURL, inputBytes: info.inputBytes)
            let reply = try await board.device.profile(input)
            let facts = try await board.facts()
            return (OperatorProfile(reply: reply, unit: facts.counterUnit), facts, source, configuration.boardID ?? board.boardID)
        }
        print("\(modelURL.lastPathComponent) on \(facts.boardName) (\(configuration.board)), input: \(source)")
        print(profile.table { BuiltinOperator(rawValue: $0).description })
        if let resultStore {
            try resultStore.record(StoredProfile(profile, of: underTest, boardID: boardID, facts: facts))
            print("recorded in \(resultStore.path)")
        }
    }

    private func loadInput(modelURL: URL, inputBytes: Int) throws -> ([UInt8], String) {
        var path = inputs
        if path == nil {
            let sibling = modelURL.deletingPathExtension().path + ".inputs.npy"
            if FileManager.default.fileExists(atPath: sibling) { path = sibling }
        }
        guard let path else { return ([UInt8](repeating: 0, count: inputBytes), "zeros (no --inputs)") }
        let array = try NumPyArray(contentsOf: URL(fileURLWithPath: path))
        let batch = array.shape.first ?? 1
        guard index >= 0 && index < batch, batch > 0, array.bytes.count % batch == 0 else {
            throw ValidationError("--index \(index) is outside the \(batch) inputs in \(path)")
        }
        let each = array.bytes.count / batch
        guard each == inputBytes else {
            throw ValidationError("inputs in \(path) have \(each) bytes each but the model expects \(inputBytes)")
        }
        return (Array(array.bytes[(index * each)..<((index + 1) * each)]), "\(path)[\(index)]")
    }
}
