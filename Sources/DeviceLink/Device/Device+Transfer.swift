/// Protocol v2 on `Device`: inputs and outputs larger than one frame (INPUT_CHUNK, OUTPUT_CHUNK), model slots
/// (SELECT), the baud switch (SET_BAUD), and reply-size bounds that keep timeouts finite whatever a board reports.
extension Device {
    /// Makes the model in `slot` (loaded earlier with `load(_:slot:)`) the one inferences run on. Cheap compared
    /// with an upload: the board re-plans the arena from the model already in its slot.
    @discardableResult
    public func select(slot: Int) async throws(DeviceError) -> ModelInfo {
        try await serialized { () async throws(DeviceError) -> ModelInfo in
            let info = try await self.introduced()
            guard slot >= 0 && slot < Int(info.slotCount) else {
                throw .badState(command: "SELECT", message: "slot \(slot) does not exist: the board has \(info.slotCount) model slot(s)")
            }
            let payload = try await self.exchange(.select(slot: UInt8(slot)), timeout: self.timeouts.loadEnd)
            let selected = try Self.decode { () throws(ProtocolError) in try ModelInfo(payload: payload) }
            self.model = selected
            return selected
        }
    }

    /// Switches the serial line to `baud` when the transport can change its rate (`BaudRateAdjustable`; a socket or
    /// pseudo-terminal has no rate and keeps going unchanged). After the board's reply both ends switch; a HELLO at the
    /// new rate confirms it. When that HELLO gets no answer, the host returns to `fallbackBaud`, waits for the board
    /// to do the same (it does so when no valid frame arrives within HELLO's `baud_confirm_ms`) and checks with
    /// HELLO again. Returns the rate in use afterwards.
    @discardableResult
    public func switchBaudRate(to baud: Int, fallbackBaud: Int = 115_200) async throws(DeviceError) -> Int {
        try await serialized { () async throws(DeviceError) -> Int in
            let info = try await self.introduced()
            guard let adjustable = self.transport as? any BaudRateAdjustable else { return baud }
            guard baud > 0 && baud <= Int(UInt32.max) else { throw .baudUnsupported(baud: baud, message: "not a rate") }
            _ = try await self.exchange(.setBaud(UInt32(baud)), timeout: self.timeouts.command, retry: false)
            do throws(TransportError) { try await adjustable.setBaudRate(baud) } catch { throw .transportFailed(error) }
            try? await Task.sleep(for: .milliseconds(20))
            if let _ = try? await self.exchange(
                .hello(hostProtocolVersion: Frame.protocolVersion), timeout: self.timeouts.command, retry: false)
            {
                return baud
            }
            do throws(TransportError) { try await adjustable.setBaudRate(fallbackBaud) } catch {
                throw .transportFailed(error)
            }
            try? await Task.sleep(for: .milliseconds(Int(info.baudConfirmMilliseconds) + 200))
            _ = try await self.exchange(.hello(hostProtocolVersion: Frame.protocolVersion), timeout: self.timeouts.command)
            return fallbackBaud
        }
    }

    // MARK: - Chunked inputs and outputs

    /// The input to put in a request with `headerBytes` of its own fields: the input itself when it fits one frame,
    /// or nothing after staging it with INPUT_CHUNK (the board then uses the staged input).
    func inlineOrStaged(_ input: [UInt8], headerBytes: Int = 0) async throws(DeviceError) -> [UInt8] {
        let info = try await introduced()
        let maxPayload = Int(info.maxPayloadBytes)
        if input.isEmpty || input.count + headerBytes <= maxPayload { return input }
        let model = try requireModel()
        guard Int(model.stagingBytes) >= input.count else {
            throw .inputTooLargeForFrame(inputBytes: input.count, maxPayloadBytes: maxPayload)
        }
        let chunkBytes = maxPayload - 4
        guard chunkBytes > 0 else { throw .inputTooLargeForFrame(inputBytes: input.count, maxPayloadBytes: maxPayload) }
        var offset = 0
        while offset < input.count {
            let end = min(offset + chunkBytes, input.count)
            let payload = try await exchange(
                .inputChunk(offset: UInt32(offset), bytes: Array(input[offset..<end])), timeout: timeouts.command)
            let ack = try Self.decode { () throws(ProtocolError) in try InputChunkReply(payload: payload) }
            guard Int(ack.bytesStaged) == end else { throw .chunkOutOfOrder(expectedOffset: end, gotOffset: Int(ack.bytesStaged)) }
            offset = end
        }
        return []
    }

    /// Whether INFER's reply carries the outputs (`12 + output bytes <= max_payload`, docs/protocol.md).
    func outputsFitReply(_ model: ModelInfo) -> Bool {
        12 + model.outputBytes <= Int(boardInfo?.maxPayloadBytes ?? UInt16(Frame.preHelloMaxPayloadBytes))
    }

    /// Reads the last inference's outputs with OUTPUT_CHUNK.
    func fetchOutputs(_ model: ModelInfo) async throws(DeviceError) -> [UInt8] {
        let maxPayload = Int(boardInfo?.maxPayloadBytes ?? UInt16(Frame.preHelloMaxPayloadBytes))
        let chunkBytes = min(maxPayload - 4, Int(UInt16.max))
        var output: [UInt8] = []
        output.reserveCapacity(model.outputBytes)
        while output.count < model.outputBytes {
            let count = min(chunkBytes, model.outputBytes - output.count)
            let payload = try await exchange(
                .outputChunk(offset: UInt32(output.count), count: UInt16(count)), timeout: timeouts.command)
            let chunk = try Self.decode { () throws(ProtocolError) in try OutputChunkReply(payload: payload) }
            guard Int(chunk.offset) == output.count, chunk.bytes.count == count else {
                throw .protocolViolation(
                    .invalidValue(message: "OUTPUT_CHUNK reply", field: "bytes", value: Int64(chunk.bytes.count)))
            }
            output += chunk.bytes
        }
        return output
    }

    // MARK: - Bounded timeouts

    /// The most reply bytes one frame can carry: a board may report any tensor size, but never sends more than its
    /// `max_payload`, so a timeout scaled by reply size stays bounded.
    func replyBytesBound() -> Int {
        let maxPayload = Int(boardInfo?.maxPayloadBytes ?? UInt16(Frame.preHelloMaxPayloadBytes))
        return min(model?.outputBytes ?? 0, maxPayload)
    }

    /// RUN_WINDOW's timeout: per-inference allowance, but never past the board's own window limit
    /// (`max_window_ms`) plus the usual command and transfer allowances.
    func windowTimeout(inferences: Int, info: HelloReply) -> Duration {
        let byCount = timeouts.inference(count: inferences)
        let byBoardLimit = timeouts.command + .milliseconds(Int(info.maxWindowMilliseconds)) + timeouts.perInference
        return min(byCount, byBoardLimit)
    }
}

/// A transport whose line has a settable rate (a UART). Sockets and pseudo-terminals do not conform, and
/// `Device.switchBaudRate` leaves them as they are.
public protocol BaudRateAdjustable: Sendable {
    func setBaudRate(_ baud: Int) async throws(TransportError)
}
