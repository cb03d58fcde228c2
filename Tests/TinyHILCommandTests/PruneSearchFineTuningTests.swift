import ArgumentParser
import Foundation
import Footprint
import Inference
import TFLite
import Testing
import TinyHILTestSupport

@testable import tinyhil

/// `tinyhil prune search --finetune-epochs N`: the Pareto front is fine-tuned and re-ranked, and the model written
/// stays within the limit and classifies better than the same search without fine-tuning.
@Suite struct PruneSearchFineTuningTests {
    func run(_ arguments: [String]) async throws {
        var command = try TinyHIL.parseAsRoot(arguments)
        if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
    }

    @Test func fineTunedFrontBeatsTheUntunedSearchWithinTheLimit() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prune-search-ft-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = Fixtures.model("lenet_int8").path
        let engine = try EngineModel(bytes: try [UInt8](Data(contentsOf: Fixtures.model("lenet_int8"))))
        // 2,048 training images to fine-tune on, the next 300 (int8, the model's input) to validate on.
        let train = try FashionMNIST.load(.train)
        let tuning = train.prefix(2348)
        let pixels = (0..<2048).flatMap { tuning.image($0).map { Float($0) / 255 } }
        let x = directory.appendingPathComponent("x.npy"), y = directory.appendingPathComponent("y.npy")
        try NumPyArray(values: pixels, shape: [2048, 28, 28, 1]).write(to: x)
        try NumPyArray(values: (0..<2048).map { Int32(tuning.labels[$0]) }, shape: [2048]).write(to: y)
        let all = try InputQuantizer(input: try engine.input(0)).batch(tuning)
        let vx = directory.appendingPathComponent("vx.npy"), vy = directory.appendingPathComponent("vy.npy")
        try all.rows(2048..<2348).write(to: vx)
        try NumPyArray(values: (2048..<2348).map { Int32(tuning.labels[$0]) }, shape: [300]).write(to: vy)

        let search = ["--max-macs", "299052", "--generations", "2", "--population", "4", "--seed", "1",
                      "--validation-inputs", vx.path, "--validation-labels", vy.path, "--json"]
        let untuned = directory.appendingPathComponent("untuned.tflite").path
        let tuned = directory.appendingPathComponent("tuned.tflite").path
        try await run(["prune", "search", model, "-o", untuned] + search)
        try await run(["prune", "search", model, "-o", tuned] + search
            + ["--finetune-epochs", "1", "--finetune-inputs", x.path, "--finetune-labels", y.path])

        let test = try FashionMNIST.load(.test).prefix(1000)
        func accuracy(_ path: String) async throws -> Double {
            try await EngineModel(bytes: try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).evaluate(test).accuracy
        }
        let before = try await accuracy(untuned), after = try await accuracy(tuned)
        print("prune search on 1,000 test images: without fine-tuning \(before), Pareto front fine-tuned \(after)")
        #expect(after > before)
        let written = try Model(contentsOf: URL(fileURLWithPath: tuned))
        #expect(try ModelFootprint(model: written).macs <= 299_052)
    }
}
