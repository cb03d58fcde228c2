import DeviceLink
import Foundation
import Inference
import TFLite

/// Accuracy of a model run on the board over a labelled set, and how often the board's raw outputs equal the host
/// engine's (they must be identical: the board runs the same engine).
public struct AccuracyRun: Sendable, Equatable {
    public var model: String
    public var modelSHA256: String
    public var provenance: Provenance
    public var samples: Int
    /// Inputs the board classified as the label says.
    public var correct: Int
    /// Inputs whose board output bytes equal the host engine's.
    public var agreeingWithHost: Int
    /// Indices of inputs where board and host outputs differ (at most the first 20).
    public var firstDisagreements: [Int]

    /// Fraction 0…1.
    public var accuracy: Double { samples == 0 ? 0 : Double(correct) / Double(samples) }
    /// Fraction 0…1.
    public var hostAgreement: Double { samples == 0 ? 0 : Double(agreeingWithHost) / Double(samples) }

    public func storedResult(repositoryCommit: String? = RepositoryRevision.ofThisProcess) -> StoredResult {
        StoredResult(
            kind: .accuracy, modelName: model, modelSHA256: modelSHA256, boardID: provenance.boardID,
            meterID: provenance.meterID, firmwareVersion: provenance.firmwareVersion,
            firmwareBuildID: provenance.firmwareBuildID, harnessVersion: provenance.harnessVersion,
            repositoryCommit: repositoryCommit, accuracy: accuracy, accuracySamples: samples,
            hostAgreement: hostAgreement)
    }
}

extension Bench {
    /// Runs every input on the board (INFER_BATCH, full outputs), scores top-1 against `labels`, and compares each
    /// output with the host engine's output for the same input.
    /// - Parameters:
    ///   - inputs: `[samples] + input shape`, already in the model's input type (see `InputQuantizer`).
    ///   - labels: one class index per sample.
    public func accuracy(_ model: ModelUnderTest, inputs: NumPyArray, labels: [UInt8]) async throws(BenchError) -> AccuracyRun {
        let samples = inputs.shape.first ?? 0
        guard samples == labels.count, samples > 0 else {
            throw .invalidRequest("accuracy needs as many labels as inputs (\(labels.count) labels, \(samples) inputs), and at least one")
        }
        let host: EngineModel
        let hostOutputs: NumPyArray
        do {
            host = try EngineModel(bytes: model.bytes)
            hostOutputs = try await host.run(batch: inputs)
        } catch {
            throw .hostEngine("\(error)")
        }
        try await load(model)
        let rowBytes = inputs.bytes.count / samples
        let rows = (0..<samples).map { Array(inputs.bytes[($0 * rowBytes)..<(($0 + 1) * rowBytes)]) }
        let results: [BatchItemResult]
        do { results = try await device.inferBatch(rows, mode: .fullOutput) } catch { throw .device(error) }
        guard results.count == samples else {
            throw .invalidRequest("the board returned \(results.count) results for \(samples) inputs")
        }
        let outputType = host.outputs[0].elementType
        let outputBytes = hostOutputs.bytes.count / samples
        var correct = 0, agreeing = 0
        var disagreements: [Int] = []
        for (index, result) in results.enumerated() {
            guard case let .fullOutput(_, output) = result else {
                throw .invalidRequest("the board answered with top-1 results where full outputs were asked for")
            }
            let expected = Array(hostOutputs.bytes[(index * outputBytes)..<((index + 1) * outputBytes)])
            if output == expected {
                agreeing += 1
            } else if disagreements.count < 20 {
                disagreements.append(index)
            }
            if let predicted = try Self.argmax(output, type: outputType), predicted == Int(labels[index]) { correct += 1 }
        }
        return AccuracyRun(
            model: model.name, modelSHA256: model.sha256, provenance: await provenance(), samples: samples,
            correct: correct, agreeingWithHost: agreeing, firstDisagreements: disagreements)
    }

    /// Index of the largest element of a raw output tensor (first on ties, as numpy.argmax).
    static func argmax(_ bytes: [UInt8], type: TensorType) throws(BenchError) -> Int? {
        switch type {
        case .int8:
            return bytes.indices.max { Int8(bitPattern: bytes[$0]) < Int8(bitPattern: bytes[$1]) || (Int8(bitPattern: bytes[$0]) == Int8(bitPattern: bytes[$1]) && $0 > $1) }
        case .uint8:
            return bytes.indices.max { bytes[$0] < bytes[$1] || (bytes[$0] == bytes[$1] && $0 > $1) }
        case .float32:
            let values = stride(from: 0, to: bytes.count - 3, by: 4).map {
                Float(bitPattern: UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24)
            }
            return values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }
        default:
            throw .invalidRequest("accuracy needs an int8, uint8 or float32 output, not \(type)")
        }
    }
}
