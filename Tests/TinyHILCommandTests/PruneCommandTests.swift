import ArgumentParser
import Foundation
import Footprint
import TFLite
import Testing
import TinyHILTestSupport

@testable import tinyhil

/// `tinyhil prune channels|weights|search`: each mode has only its own options, the 0.1 flat form is rewritten to
/// the mode it means, and the written model has the channel counts worked out by hand.
@Suite struct PruneCommandTests {
    @Test func flatFormsAreRewrittenToTheirMode() throws {
        let model = "m.tflite"
        #expect(LegacyPruneForm.interpret(["prune", model, "-o", "x", "--method", "l1", "--ratio", "0.5"])
            .arguments == ["prune", "channels", model, "-o", "x", "--method", "l1", "--ratio", "0.5"])
        #expect(LegacyPruneForm.interpret(["prune", model, "-o", "x", "--ratios=r.json"]).arguments
            == ["prune", "channels", model, "-o", "x", "--ratios=r.json"])
        #expect(LegacyPruneForm.interpret(["prune", model, "-o", "x", "--sparsity", "0.75"]).arguments
            == ["prune", "weights", model, "-o", "x", "--sparsity", "0.75"])
        #expect(LegacyPruneForm.interpret(["prune", model, "-o", "x", "--n-of-m", "2:4"]).arguments
            == ["prune", "weights", model, "-o", "x", "--n-of-m", "2:4"])
        #expect(LegacyPruneForm.interpret(["prune", model, "-o", "x", "--genetic", "--max-macs", "100"]).arguments
            == ["prune", "search", model, "-o", "x", "--max-macs", "100"])
        guard case let .rewritten(_, note) = LegacyPruneForm.interpret(["prune", model, "-o", "x", "--ratio", "0.5"]) else {
            Issue.record("expected a rewrite")
            return
        }
        #expect(note.contains("deprecated") && note.contains("tinyhil prune channels m.tflite"))
    }

    @Test func newFormsAndOtherCommandsAreLeftAlone() {
        #expect(LegacyPruneForm.interpret(["prune", "channels", "m", "-o", "x", "--ratio", "0.5"]) == .unchanged)
        #expect(LegacyPruneForm.interpret(["prune", "--help"]) == .unchanged)
        #expect(LegacyPruneForm.interpret(["prune"]) == .unchanged)
        #expect(LegacyPruneForm.interpret(["inspect", "m", "--ratio", "0.5"]) == .unchanged)
    }

    @Test func flatFormWithoutOrWithSeveralModesIsRefusedWithTheNewForms() {
        for arguments in [["prune", "m", "-o", "x"], ["prune", "m", "-o", "x", "--ratio", "0.5", "--sparsity", "0.5"]] {
            guard case let .refused(message) = LegacyPruneForm.interpret(arguments) else {
                Issue.record("expected a refusal for \(arguments)")
                continue
            }
            #expect(message.contains("prune channels") && message.contains("prune weights") && message.contains("prune search"))
        }
    }

    /// Options of another mode are unknown to a subcommand (0.1 ignored them silently).
    @Test func eachModeRefusesTheOptionsOfTheOthers() {
        let refused: [[String]] = [
            ["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--sparsity", "0.5"],
            ["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--max-macs", "10"],
            ["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--method", "magnitude"],
            ["prune", "weights", "m", "-o", "x", "--sparsity", "0.5", "--ratio", "0.5"],
            ["prune", "weights", "m", "-o", "x", "--sparsity", "0.5", "--round-to", "4"],
            ["prune", "search", "m", "-o", "x", "--max-macs", "10", "--ratio", "0.5"],
            ["prune", "search", "m", "-o", "x", "--max-macs", "10", "--method", "apoz"],
            // Combinations each mode checks itself.
            ["prune", "channels", "m", "-o", "x"],
            ["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--ratios", "r.json"],
            ["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--method", "apoz"],
            ["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--data", "fashion-mnist"],
            ["prune", "weights", "m", "-o", "x", "--sparsity", "0.5", "--n-of-m", "2:4"],
            ["prune", "search", "m", "-o", "x"],
            ["prune", "search", "m", "-o", "x", "--max-macs", "10", "--validation-inputs", "x.npy"],
        ]
        for arguments in refused {
            #expect(throws: (any Error).self, "\(arguments)") { try TinyHIL.parseAsRoot(arguments) }
        }
        #expect(throws: Never.self) { try TinyHIL.parseAsRoot(["prune", "search", "m", "-o", "x", "--max-macs", "10", "--data", "fashion-mnist"]) }
        #expect(throws: Never.self) {
            try TinyHIL.parseAsRoot(["prune", "channels", "m", "-o", "x", "--ratio", "0.5", "--finetune-epochs", "1",
                                     "--data", "fashion-mnist", "--distill"])
        }
    }

    /// LeNet (conv 12, conv 32, dense 120, 84, 10) at ratio 0.5 keeps 6, 16, 60, 42 and the 10 classes; the flat
    /// form writes the same bytes as `prune channels`.
    @Test func channelsHalvesLeNetAndTheFlatFormWritesTheSameModel() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prune-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = Fixtures.model("lenet_int8").path
        let newForm = directory.appendingPathComponent("new.tflite").path
        let flatForm = directory.appendingPathComponent("flat.tflite").path
        try await run(["prune", "channels", model, "-o", newForm, "--method", "l1", "--ratio", "0.5", "--json"])
        let rewritten = try #require(LegacyPruneForm.interpret(["prune", model, "-o", flatForm, "--ratio", "0.5", "--json"]).arguments)
        try await run(rewritten)

        let pruned = try Model(contentsOf: URL(fileURLWithPath: newForm))
        let filters = pruned.subgraphs[0].tensors.filter { $0.name.hasSuffix("/Conv2D") || $0.name.hasSuffix("/MatMul") }
            .map { "\($0.name): \($0.shape)" }.sorted()
        #expect(filters == [
            "lenet/conv1/Conv2D: [6, 3, 3, 1]", "lenet/conv2/Conv2D: [16, 3, 3, 6]",
            "lenet/fc1/MatMul: [60, 400]", "lenet/fc2/MatMul: [42, 60]", "lenet/fc3/MatMul: [10, 42]",
        ])
        #expect(try Data(contentsOf: URL(fileURLWithPath: newForm)) == Data(contentsOf: URL(fileURLWithPath: flatForm)))
    }

    /// Magnitude pruning to 75 % keeps shapes and zeroes three quarters of each weight tensor (per layer).
    @Test func weightsZeroesThreeQuartersOfEachTensor() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prune-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("w.tflite").path
        try await run(["prune", "weights", Fixtures.model("lenet_int8").path, "-o", output, "--sparsity", "0.75", "--json"])
        let pruned = try Model(contentsOf: URL(fileURLWithPath: output))
        let fc1 = try #require(pruned.subgraphs[0].tensors.first { $0.name == "lenet/fc1/MatMul" })
        #expect(fc1.shape == [120, 800])
        let zeroPoint = UInt8(bitPattern: Int8(fc1.quantization?.zeroPoint.first ?? 0))
        let data = try #require(pruned.constantData(of: fc1))
        let zeros = data.filter { $0 == zeroPoint }.count
        // 96,000 weights, 72,000 zeroed (a few were zero already, so at least that many).
        #expect(zeros >= 72_000 && zeros <= 72_000 + 96)
    }

    /// LeNet has 598,104 MACs (conv 26·26·12·9 + 11·11·32·9·12, dense 800·120 + 120·84 + 84·10, by hand); a
    /// search under half of that writes a model within the limit.
    @Test func searchWritesAModelWithinTheMACLimit() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prune-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try Model(contentsOf: Fixtures.model("lenet_int8"))
        #expect(try ModelFootprint(model: original).macs == 598_104)
        let output = directory.appendingPathComponent("s.tflite").path
        try await run(["prune", "search", Fixtures.model("lenet_int8").path, "-o", output, "--max-macs", "299052",
                       "--generations", "2", "--population", "4", "--json"])
        let searched = try Model(contentsOf: URL(fileURLWithPath: output))
        #expect(try ModelFootprint(model: searched).macs <= 299_052)
    }

    private func run(_ arguments: [String]) async throws {
        var command = try TinyHIL.parseAsRoot(arguments)
        if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
    }
}

extension LegacyPruneForm {
    var arguments: [String]? {
        if case let .rewritten(arguments, _) = self { return arguments }
        return nil
    }
}
