/// INFER_BATCH: many inputs, as many per frame as fit, with up to HELLO's `max_outstanding` frames in flight; a
/// frame whose reply timed out is re-sent with its own sequence number (the board's duplicate suppression answers
/// it without running it again).
extension Device {
    /// Runs many inputs, as many per frame as fit, with up to `max_outstanding` frames in flight.
    /// `allowRetry`: re-send a frame whose reply timed out (the board may then run some inputs twice, which does not
    /// change results; set false when the board's activity is being measured).
    public func inferBatch(_ inputs: [[UInt8]], mode: BatchResultMode = .fullOutput, allowRetry: Bool = true)
        async throws(DeviceError) -> [BatchItemResult]
    {
        try await serialized { () async throws(DeviceError) -> [BatchItemResult] in
            try await self.inferBatchUnlocked(inputs, mode: mode, allowRetry: allowRetry)
        }
    }

    private func inferBatchUnlocked(_ inputs: [[UInt8]], mode: BatchResultMode, allowRetry: Bool)
        async throws(DeviceError) -> [BatchItemResult]
    {
        let model = try requireModel()
        let info = try await introduced()
        for input in inputs { try checkInput(input, model: model) }
        if inputs.isEmpty { return [] }
        let perFrame = BatchPlan.inputsPerFrame(
            inputBytes: model.inputBytes, outputBytes: model.outputBytes, mode: mode, maxPayloadBytes: Int(info.maxPayloadBytes))
        guard perFrame > 0 else { return try await inferOneByOne(inputs, mode: mode, model: model) }
        let groups = stride(from: 0, to: inputs.count, by: perFrame).map { Array(inputs[$0..<min($0 + perFrame, inputs.count)]) }
        let window = max(1, Int(info.maxOutstanding))
        /// One frame of `count` inputs: its inferences plus moving its request and reply (not two full frames: a lost
        /// reply to a small frame would otherwise wait for 16 KiB to cross a slow link on every attempt).
        func batchTimeout(_ count: Int) -> Duration {
            let bytes = BatchPlan.frameBytes(
                count: count, inputBytes: model.inputBytes, outputBytes: model.outputBytes, mode: mode,
                maxPayloadBytes: Int(info.maxPayloadBytes))
            return timeouts.inference(count: count) + timeouts.transfer(bytes: bytes + 64)
        }
        var results = [[BatchItemResult]?](repeating: nil, count: groups.count)
        var outstanding: [(group: Int, sequence: UInt16)] = []
        var attemptsUsed = 1
        var nextGroup = 0
        var completed = 0
        let maxAttempts = allowRetry ? timeouts.attempts : 1
        var deadline = ContinuousClock.now

        while completed < groups.count {
            while outstanding.count < window && nextGroup < groups.count {
                let sequence = allocateSequence()
                statistics.requests += 1
                try await send(.inferBatch(mode: mode, inputs: groups[nextGroup]), sequence: sequence)
                if outstanding.isEmpty { deadline = .now + batchTimeout(groups[nextGroup].count) }
                outstanding.append((nextGroup, sequence))
                nextGroup += 1
            }
            let waiting = Set(outstanding.map(\.sequence))
            let replyType = MessageType.inferBatch.replyType
            let frame = try await receive(until: deadline) { frame in
                waiting.contains(frame.sequence) && (frame.type == replyType || frame.type == MessageType.error.rawValue)
            }
            guard let frame else {
                guard attemptsUsed < maxAttempts else {
                    statistics.timeouts += 1
                    throw .timedOut(
                        command: "INFER_BATCH", endpoint: endpoint,
                        timeoutSeconds: Self.seconds(batchTimeout(perFrame)), attempts: attemptsUsed)
                }
                attemptsUsed += 1
                for entry in outstanding {
                    statistics.retries += 1
                    try await send(.inferBatch(mode: mode, inputs: groups[entry.group]), sequence: entry.sequence)
                }
                deadline = .now + outstanding.reduce(Duration.zero) { $0 + batchTimeout(groups[$1.group].count) }
                continue
            }
            guard let position = outstanding.firstIndex(where: { $0.sequence == frame.sequence }) else { continue }
            let group = outstanding[position].group
            if frame.type == MessageType.error.rawValue { throw try boardError(frame.payload, command: .inferBatch) }
            let reply: InferBatchReply
            reply = try Self.decode { () throws(ProtocolError) in
                try InferBatchReply(payload: frame.payload, mode: mode, outputBytes: model.outputBytes)
            }
            guard reply.results.count == groups[group].count else {
                throw .protocolViolation(.invalidValue(message: "INFER_BATCH reply", field: "count", value: Int64(reply.results.count)))
            }
            results[group] = reply.results
            outstanding.remove(at: position)
            completed += 1
            if let oldest = outstanding.first { deadline = .now + batchTimeout(groups[oldest.group].count) }
        }
        return results.flatMap { $0 ?? [] }
    }

    /// INFER_BATCH's fallback for inputs too large for any batch frame: one chunked INFER per input.
    private func inferOneByOne(_ inputs: [[UInt8]], mode: BatchResultMode, model: ModelInfo) async throws(DeviceError)
        -> [BatchItemResult]
    {
        var results: [BatchItemResult] = []
        for input in inputs {
            let inline = try await inlineOrStaged(input)
            let payload = try await exchange(.infer(input: inline), timeout: timeouts.inference(count: 1))
            var reply = try Self.decode { () throws(ProtocolError) in try InferReply(payload: payload) }
            if reply.output.isEmpty && model.outputBytes > 0 && !outputsFitReply(model) {
                reply.output = try await fetchOutputs(model)
            }
            switch mode {
            case .fullOutput: results.append(.fullOutput(counter: reply.counter, output: reply.output))
            case .top1:
                guard let first = model.outputs.first,
                    let top = TopOne(output: Array(reply.output.prefix(Int(first.bytes))), tensorType: first.type)
                else {
                    throw .batchTooLarge(message: "top-1 of this output type needs the board's INFER_BATCH, and one input does not fit its frame")
                }
                results.append(.top1(counter: reply.counter, index: top.index, value: top.value))
            }
        }
        return results
    }
}
