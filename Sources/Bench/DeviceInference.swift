import DeviceLink
import Foundation
import Inference

/// Runs a batch on a board and returns the raw outputs in the same form as the host engine's `EngineModel.run`:
/// output 0 for each sample, `[samples] + output shape without its batch dimension`, in the model's output type.
public enum DeviceInference {
    /// - Parameters:
    ///   - modelBytes: the .tflite model (uploaded unless the board already holds it).
    ///   - batches: one array per model input, all with the same first dimension.
    public static func run(modelBytes: [UInt8], batches: [NumPyArray], on device: Device) async throws -> NumPyArray {
        let host = try EngineModel(bytes: modelBytes)  // tensor descriptions, and the input checks the host applies
        guard batches.count == host.inputs.count else {
            throw BenchError.invalidRequest("the model has \(host.inputs.count) inputs but \(batches.count) --inputs were given")
        }
        let samples = batches.first?.shape.first ?? 0
        for (index, batch) in batches.enumerated() {
            let perSample = host.inputs[index].bytes
            guard batch.shape.first == samples, samples > 0, batch.bytes.count == samples * perSample else {
                throw BenchError.invalidRequest(
                    "input \(index): expected [\(samples), …] with \(perSample) bytes per sample (\(host.inputs[index])), got shape \(batch.shape)")
            }
        }
        let rows: [[UInt8]] = (0..<samples).map { sample in
            batches.enumerated().flatMap { index, batch in
                let perSample = host.inputs[index].bytes
                return batch.bytes[(sample * perSample)..<((sample + 1) * perSample)]
            }
        }
        _ = try await device.load(modelBytes)
        let results = try await device.inferBatch(rows, mode: .fullOutput)
        let output = host.outputs[0]
        guard let elementType = output.numPyElementType else {
            throw BenchError.invalidRequest("output 0 has type \(output.elementType), which .npy output does not support")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples * output.bytes)
        for result in results {
            guard case let .fullOutput(_, outputBytes) = result, outputBytes.count >= output.bytes else {
                throw BenchError.invalidRequest("the board returned an incomplete output")
            }
            bytes += outputBytes.prefix(output.bytes)  // output 0 comes first (outputs are concatenated in order)
        }
        return try NumPyArray(elementType: elementType, shape: [samples] + output.sampleShape, bytes: bytes)
    }
}
