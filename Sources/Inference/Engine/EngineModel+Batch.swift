import Foundation

extension EngineModel {
    /// The number of worker tasks a batch uses by default: one per active core.
    public static var defaultWorkerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Runs every sample of `batch` (first dimension = samples, the rest = input 0) and returns output 0 for
    /// each, shaped `[samples] + output 0's shape without its batch dimension`, in the model's output type.
    /// - Parameter vectorKernels: the highest vector-kernel tier to use (default: the best the CPU has).
    public func run(batch: NumPyArray, workerCount: Int = EngineModel.defaultWorkerCount,
                    vectorKernels: VectorKernels = .avx512VNNI) async throws(InferenceError) -> NumPyArray
    {
        try await run(batches: [batch], workerCount: workerCount, vectorKernels: vectorKernels)[0]
    }

    /// Runs a batch spread over `workerCount` tasks, each with its own `Interpreter` (and arena).
    /// - Parameter batches: one array per model input, all with the same first dimension.
    /// - Parameter vectorKernels: the highest vector-kernel tier to use (default: the best the CPU has).
    /// - Returns: one array per model output, `[samples] + output shape without its batch dimension`.
    public func run(batches: [NumPyArray], workerCount: Int = EngineModel.defaultWorkerCount,
                    vectorKernels: VectorKernels = .avx512VNNI) async throws(InferenceError) -> [NumPyArray]
    {
        let sampleCount = try validate(batches: batches)
        let outputTypes = try outputs.enumerated().map { (index, output) throws(InferenceError) in
            guard let type = output.numPyElementType else {
                throw InferenceError.unsupportedIOType(role: "output", index: index, type: "\(output.elementType)")
            }
            return type
        }
        let workers = max(1, min(workerCount, sampleCount))
        let chunk = sampleCount == 0 ? 0 : (sampleCount + workers - 1) / workers
        let ranges = (0..<workers).map { w in min(w * chunk, sampleCount)..<min((w + 1) * chunk, sampleCount) }

        var pieces = [[[UInt8]]](repeating: [], count: workers)
        do {
            try await withThrowingTaskGroup(of: (Int, [[UInt8]]).self) { group in
                for (worker, range) in ranges.enumerated() {
                    group.addTask {
                        (worker, try self.runSequentially(batches: batches, samples: range, vectorKernels: vectorKernels))
                    }
                }
                for try await (worker, piece) in group { pieces[worker] = piece }
            }
        } catch let error as InferenceError {
            throw error
        } catch {
            throw .badArgument(EngineFaultLocation(operatorIndex: nil, builtinOperator: nil, operatorName: nil,
                                                   tensorIndex: nil, check: "batch worker failed: \(error)"))
        }

        var results: [NumPyArray] = []
        for (index, output) in outputs.enumerated() {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(output.bytes * sampleCount)
            for piece in pieces where !piece.isEmpty { bytes += piece[index] }
            do {
                results.append(try NumPyArray(elementType: outputTypes[index], shape: [sampleCount] + output.sampleShape,
                                              bytes: bytes))
            } catch {
                throw .inputMismatch(inputIndex: index, expected: "\(output)", actual: "\(error)")
            }
        }
        return results
    }

    /// Runs `samples` of `batches` on a fresh interpreter in the calling thread; one byte array per output.
    func runSequentially(batches: [NumPyArray], samples: Range<Int>, vectorKernels: VectorKernels = .avx512VNNI)
        throws(InferenceError) -> [[UInt8]]
    {
        let interpreter = try makeInterpreter()
        interpreter.limitVectorKernels(to: vectorKernels)
        var outputBytes = outputs.map { output -> [UInt8] in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(output.bytes * samples.count)
            return bytes
        }
        for sample in samples {
            for (index, batch) in batches.enumerated() {
                let size = inputs[index].bytes
                try interpreter.setInput(index, bytes: batch.bytes[(sample * size)..<((sample + 1) * size)])
            }
            try interpreter.invoke()
            for index in outputs.indices { try interpreter.appendOutput(index, to: &outputBytes[index]) }
        }
        return outputBytes
    }

    /// Checks one array per input, matching types and per-sample sizes; returns the sample count.
    ///
    /// The sample count is bounded by the data: `first dimension × bytes per sample` must equal the array's bytes
    /// (checked without overflow), and when every input holds 0 bytes per sample the arrays carry no data, so
    /// they cannot ask for more than one invocation (a 0-byte `.npy` whose first dimension is 10^11 would
    /// otherwise run 10^11 times). The outputs of all samples must fit in memory's address range too.
    private func validate(batches: [NumPyArray]) throws(InferenceError) -> Int {
        try Self.sampleCount(of: batches, inputs: inputs, outputs: outputs)
    }

    /// ``validate(batches:)`` for any input and output descriptions.
    static func sampleCount(of batches: [NumPyArray], inputs: [TensorDescription], outputs: [TensorDescription])
        throws(InferenceError) -> Int
    {
        guard batches.count == inputs.count else {
            throw .inputMismatch(inputIndex: min(batches.count, inputs.count),
                                 expected: "\(inputs.count) input array(s)", actual: "\(batches.count)")
        }
        var sampleCount: Int? = nil
        for (index, (batch, input)) in zip(batches, inputs).enumerated() {
            guard let type = input.numPyElementType else {
                throw .unsupportedIOType(role: "input", index: index, type: "\(input.elementType)")
            }
            let expected = "\(type) samples of shape \(input.sampleShape) after the batch dimension"
            let actual = "\(batch.elementType) array of shape \(batch.shape)"
            guard batch.elementType == type, let first = batch.shape.first, first >= 0, input.bytes >= 0 else {
                throw .inputMismatch(inputIndex: index, expected: expected, actual: actual)
            }
            let (needed, overflow) = first.multipliedReportingOverflow(by: input.bytes)
            guard !overflow, needed == batch.bytes.count else {
                throw .inputMismatch(inputIndex: index, expected: expected + " (\(input.bytes) bytes each)",
                                     actual: actual + " holding \(batch.bytes.count) bytes")
            }
            if let sampleCount, sampleCount != first {
                throw .inputMismatch(inputIndex: index, expected: "\(sampleCount) samples like input 0",
                                     actual: "\(first) samples")
            }
            sampleCount = first
        }
        let samples = sampleCount ?? 0
        if samples > 1, inputs.allSatisfy({ $0.bytes == 0 }) {
            throw .inputMismatch(
                inputIndex: 0,
                expected: "at most 1 sample: every input of this model holds 0 bytes, so the arrays carry no data "
                    + "that could tell \(samples) samples apart (check the model's input shape for a 0 dimension)",
                actual: "\(samples) samples")
        }
        for (index, output) in outputs.enumerated() {
            let (total, overflow) = output.bytes.multipliedReportingOverflow(by: samples)
            guard output.bytes >= 0, !overflow, total <= Int(Int32.max) * 64 else {
                throw .inputMismatch(
                    inputIndex: 0, expected: "a batch whose outputs fit in memory",
                    actual: "\(samples) samples × \(output.bytes) bytes of output \(index)")
            }
        }
        return samples
    }
}
