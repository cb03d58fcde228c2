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
    private func validate(batches: [NumPyArray]) throws(InferenceError) -> Int {
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
            guard batch.elementType == type, let first = batch.shape.first,
                  first * input.bytes == batch.bytes.count
            else { throw .inputMismatch(inputIndex: index, expected: expected, actual: actual) }
            if let sampleCount, sampleCount != first {
                throw .inputMismatch(inputIndex: index, expected: "\(sampleCount) samples like input 0",
                                     actual: "\(first) samples")
            }
            sampleCount = first
        }
        return sampleCount ?? 0
    }
}
