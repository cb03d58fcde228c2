import ArgumentParser
import Foundation
import Inference

/// `tinyhil eval MODEL --data fashion-mnist [--limit N]`: top-1 accuracy on a labelled dataset, host engine.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify a labelled dataset with a model; print accuracy and the confusion matrix.",
        usage: "tinyhil eval <model> --data <data> [<options>]",  // fits 80 columns; the options are listed below
        discussion: """
            Images are scaled to [0, 1] (pixel / 255, float32) and then quantized with the model's input scale \
            and zero point exactly like TFLite Micro's QUANTIZE kernel (a float32 input gets pixel / 255 as is). \
            This is how the fixture models were trained and quantized. Fashion-MNIST is read from the Debian \
            package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
            """
    )

    enum DatasetName: String, ExpressibleByArgument, CaseIterable {
        case fashionMNIST = "fashion-mnist"
    }

    @Argument(help: "The .tflite model (one input; output 0 holds one score per class).")
    var model: String

    @Option(help: "The dataset: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var data: DatasetName

    @Option(help: "Which split: test or train.")
    var split: String = "test"

    @Option(help: "Evaluate only the first N samples.")
    var limit: Int?

    @Option(help: "Folder holding the IDX files (default: where the Debian package installs them).")
    var dataDirectory: String?

    @Option(help: "Worker threads, each with its own interpreter (default: one per core).")
    var workers: Int?

    func validate() throws {
        guard FashionMNIST.Split(rawValue: split) != nil else {
            throw ValidationError("--split must be test or train, not \(split)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        let engineModel = try EngineModel(contentsOf: URL(fileURLWithPath: model))
        let directory = dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FashionMNIST.defaultDirectory
        let dataset = try FashionMNIST.load(FashionMNIST.Split(rawValue: split) ?? .test, from: directory)
        let evaluation = try await engineModel.evaluate(dataset, limit: limit,
                                                        workerCount: workers ?? EngineModel.defaultWorkerCount)
        print("model \(model)")
        print(evaluation.report())
    }
}
