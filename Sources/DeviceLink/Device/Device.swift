/// A board running TinyHIL firmware, reached over any `Transport`: the typed async API over docs/protocol.md.
///
/// Every call ends with a result or a typed `DeviceError` within its timeout (`DeviceTimeouts`). Requests go one at a
/// time (INFER_BATCH pipelines up to HELLO's `max_outstanding`); each frame is preceded by a 0x00 so a board holding
/// garbage resynchronises; a timed-out request is re-sent with the same sequence number, which the board's
/// duplicate suppression turns into a re-sent reply rather than a second execution. Only frames that pass the CRC
/// and carry the request's sequence number and reply type are accepted.
public actor Device {
    public nonisolated let endpoint: String
    public var timeouts: DeviceTimeouts
    /// The board's HELLO reply (after `hello()`).
    public private(set) var boardInfo: HelloReply?
    /// The model the board holds (after `load`).
    public internal(set) var model: ModelInfo?
    public private(set) var statistics = LinkStatistics()

    let transport: any Transport
    private let lock: BoardLock?
    private var windowObservers: [@Sendable (CompletedWindow) async -> Void] = []
    private var decoder = FrameDecoder()
    /// Starts at a random value: the board's duplicate suppression keys on (sequence, type) only, so a new host
    /// session must not replay the numbers of a previous one (see `introduced()`).
    private var lastSequence = UInt16.random(in: 0..<UInt16.max)
    private var turnstile = Turnstile()
    private var expectingReboot = false
    private var isClosed = false

    /// Wraps an open transport. `lock` (if any) is released by `close()`. Whatever else serves the link (an
    /// emulator) belongs to the `Board` that made this device and ends with `Board.close()`.
    public init(transport: any Transport, lock: BoardLock? = nil, timeouts: DeviceTimeouts = .standard) {
        self.transport = transport
        self.endpoint = transport.endpoint
        self.lock = lock
        self.timeouts = timeouts
    }

    public func setTimeouts(_ timeouts: DeviceTimeouts) { self.timeouts = timeouts }

    /// Calls `observer` after every completed RUN_WINDOW (e.g. a simulated meter building its trace).
    public func observeCompletedWindows(_ observer: @escaping @Sendable (CompletedWindow) async -> Void) {
        windowObservers.append(observer)
    }

    /// Closes the transport and releases the board lock. Safe to call twice.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        await transport.close()
        lock?.release()
        windowObservers = []
    }

    // MARK: - Commands

    /// Asks the board who it is. Throws `.boardRebooted` (once) when its boot count changed since the last HELLO.
    @discardableResult
    public func hello() async throws(DeviceError) -> HelloReply {
        try await serialized { () async throws(DeviceError) -> HelloReply in try await self.helloUnlocked() }
    }

    /// Uploads `modelBytes` in chunks and lets the board plan it. Refuses a model larger than HELLO's capacity before
    /// sending anything. Returns the board's view of the model (arena bytes, tensor shapes).
    /// `slot` (protocol v2) picks one of HELLO's `slotCount` model slots; the loaded model becomes the selected one.
    @discardableResult
    public func load(_ modelBytes: [UInt8], slot: Int = 0) async throws(DeviceError) -> ModelInfo {
        try await serialized { () async throws(DeviceError) -> ModelInfo in try await self.loadUnlocked(modelBytes, slot: slot) }
    }

    /// Runs one inference. `input` holds all input tensors' bytes in order. An input larger than one frame is staged
    /// with INPUT_CHUNK first, and outputs larger than one reply are read back with OUTPUT_CHUNK.
    public func infer(_ input: [UInt8]) async throws(DeviceError) -> InferReply {
        try await serialized { () async throws(DeviceError) -> InferReply in
            let model = try self.requireModel()
            try self.checkInput(input, model: model)
            let inline = try await self.inlineOrStaged(input)
            let payload = try await self.exchange(.infer(input: inline), timeout: self.timeouts.inference(count: 1))
            var reply: InferReply
            reply = try Self.decode { () throws(ProtocolError) in try InferReply(payload: payload) }
            if reply.output.isEmpty && model.outputBytes > 0 && !self.outputsFitReply(model) {
                reply.output = try await self.fetchOutputs(model)
            }
            guard reply.output.count == model.outputBytes else {
                throw .protocolViolation(
                    .invalidValue(message: "INFER reply", field: "output bytes", value: Int64(reply.output.count)))
            }
            return reply
        }
    }

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

    /// Per-operator counters for one inference. `markerMode` `.perOperator` toggles the marker at every operator
    /// boundary during the per-operator pass, so a power meter's logic input splits energy by operator.
    public func profile(_ input: [UInt8], markerMode: ProfileMarkerMode = .off) async throws(DeviceError) -> ProfileReply {
        try await serialized { () async throws(DeviceError) -> ProfileReply in
            let model = try self.requireModel()
            try self.checkInput(input, model: model)
            let inline = try await self.inlineOrStaged(input, headerBytes: 1)
            let payload = try await self.exchange(
                .profile(input: inline, markerMode: markerMode), timeout: self.timeouts.inference(count: 2))
            return try Self.decode { () throws(ProtocolError) in try ProfileReply(payload: payload) }
        }
    }

    /// Sets the measurement marker GPIO; returns the level the board reports.
    @discardableResult
    public func marker(_ high: Bool) async throws(DeviceError) -> Bool {
        try await serialized { () async throws(DeviceError) -> Bool in
            _ = try await self.introduced()
            let payload = try await self.exchange(.marker(level: high ? 1 : 0), timeout: self.timeouts.command)
            return try Self.decode { () throws(ProtocolError) in try MarkerReply(payload: payload).level != 0 }
        }
    }

    /// Raises the marker, runs `inferences` inferences on `input`, lowers the marker, reports totals.
    /// Not retried unless `allowRetry` (a retry could add a second marker window to a power trace).
    public func runWindow(inferences: Int, input: [UInt8], allowRetry: Bool = false) async throws(DeviceError)
        -> RunWindowReply
    {
        try await serialized { () async throws(DeviceError) -> RunWindowReply in
            let model = try self.requireModel()
            try self.checkInput(input, model: model)
            let info = try await self.introduced()
            guard inferences <= Int(info.maxWindowInferences) else {
                throw .windowTooLong(requestedInferences: inferences, maximumInferences: Int(info.maxWindowInferences))
            }
            let inline = try await self.inlineOrStaged(input, headerBytes: 4)
            let payload = try await self.exchange(
                .runWindow(inferences: UInt32(clamping: inferences), input: inline),
                timeout: self.windowTimeout(inferences: inferences, info: info), retry: allowRetry)
            let reply = try Self.decode { () throws(ProtocolError) in try RunWindowReply(payload: payload) }
            if let unit = self.boardInfo?.counterUnit {
                // inferencesRun: a window the board stopped early (v2 stop_reason) counts what actually ran
                let window = CompletedWindow(counterTotal: reply.counterTotal, counterUnit: unit,
                                             inferences: Int(reply.inferencesRun), boardMicroseconds: reply.microsTotal)
                for observer in self.windowObservers { await observer(window) }
            }
            return reply
        }
    }

    /// Forgets the model (`.forgetModel`) or reboots the board (`.reboot`; the next `hello()` accepts the new boot
    /// count). A reboot request is never retried.
    public func reset(_ kind: ResetKind = .forgetModel) async throws(DeviceError) {
        try await serialized { () async throws(DeviceError) in
            _ = try await self.introduced()
            _ = try await self.exchange(.reset(kind), timeout: self.timeouts.command, retry: kind == .forgetModel)
            self.model = nil
            if kind == .reboot { self.expectingReboot = true }
        }
    }

    // MARK: - Command bodies (called with the turnstile held)

    private func helloUnlocked() async throws(DeviceError) -> HelloReply {
        let payload = try await exchange(.hello(hostProtocolVersion: Frame.protocolVersion), timeout: timeouts.command)
        let reply: HelloReply
        reply = try Self.decode { () throws(ProtocolError) in try HelloReply(payload: payload) }
        guard reply.protocolVersion == Frame.protocolVersion else {
            throw .versionMismatch(
                boardProtocolVersion: Int32(reply.protocolVersion), hostProtocolVersion: Int32(Frame.protocolVersion))
        }
        let previous = boardInfo
        boardInfo = reply
        if let previous, previous.bootCount != reply.bootCount {
            model = nil
            if expectingReboot {
                expectingReboot = false
            } else {
                throw .boardRebooted(endpoint: endpoint, previousBootCount: previous.bootCount, bootCount: reply.bootCount)
            }
        }
        return reply
    }

    private func loadUnlocked(_ modelBytes: [UInt8], slot: Int) async throws(DeviceError) -> ModelInfo {
        let info = try await introduced()
        guard slot >= 0 && slot < Int(info.slotCount) else {
            throw .badState(command: "LOAD_BEGIN", message: "slot \(slot) does not exist: the board has \(info.slotCount) model slot(s)")
        }
        guard modelBytes.count <= Int(info.modelCapacityBytes) else {
            throw .modelTooLarge(
                modelBytes: modelBytes.count, capacityBytes: Int(info.modelCapacityBytes),
                board: "board '\(info.boardName)' at \(endpoint)")
        }
        model = nil
        statistics.modelUploads += 1
        let crc = CRC32.checksum(modelBytes)
        let flash = info.storesModelsInFlash
        let beginPayload = try await exchange(
            .loadBegin(modelBytes: UInt32(modelBytes.count), modelCRC32: crc, storage: flash ? .flash : .ram, slot: UInt8(slot)),
            timeout: flash ? timeouts.loadBeginFlash : timeouts.loadBeginRAM)
        let begin: LoadBeginReply
        begin = try Self.decode { () throws(ProtocolError) in try LoadBeginReply(payload: beginPayload) }
        let chunkBytes = min(Int(begin.chunkBytes), Int(info.maxPayloadBytes) - 4)
        guard chunkBytes > 0 else {
            throw .protocolViolation(.invalidValue(message: "LOAD_BEGIN reply", field: "chunk_bytes", value: Int64(begin.chunkBytes)))
        }
        var offset = 0
        while offset < modelBytes.count {
            let end = min(offset + chunkBytes, modelBytes.count)
            let ackPayload = try await exchange(
                .loadChunk(offset: UInt32(offset), bytes: Array(modelBytes[offset..<end])), timeout: timeouts.command)
            let ack: LoadChunkReply
            ack = try Self.decode { () throws(ProtocolError) in try LoadChunkReply(payload: ackPayload) }
            guard Int(ack.bytesReceived) == end else { throw .chunkOutOfOrder(expectedOffset: end, gotOffset: Int(ack.bytesReceived)) }
            offset = end
        }
        let endPayload = try await exchange(.loadEnd, timeout: timeouts.loadEnd)
        let loaded: ModelInfo
        loaded = try Self.decode { () throws(ProtocolError) in try ModelInfo(payload: endPayload) }
        guard loaded.modelCRC32 == crc else { throw .checksumMismatch(announced: crc, computed: loaded.modelCRC32) }
        model = loaded
        return loaded
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
        /// One frame of `count` inputs: its inferences plus moving its request and reply.
        func batchTimeout(_ count: Int) -> Duration {
            timeouts.inference(count: count) + timeouts.transfer(bytes: 2 * Int(info.maxPayloadBytes) + 64)
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

    // MARK: - Link

    func serialized<T: Sendable>(_ body: () async throws(DeviceError) -> T) async throws(DeviceError) -> T {
        guard !isClosed else { throw .boardVanished(endpoint: endpoint) }
        await withCheckedContinuation { turnstile.enter($0) }
        defer { turnstile.leave() }
        return try await body()
    }

    /// HELLO precedes every other command of a session, so the board's duplicate-suppression slot holds a HELLO
    /// (harmless to repeat) before any command whose sequence number could collide with an earlier session's.
    func introduced() async throws(DeviceError) -> HelloReply {
        if let boardInfo { return boardInfo }
        return try await helloUnlocked()
    }

    func requireModel() throws(DeviceError) -> ModelInfo {
        guard let model else { throw .noModelLoaded }
        return model
    }

    func checkInput(_ input: [UInt8], model: ModelInfo) throws(DeviceError) {
        guard input.count == model.inputBytes else { throw .inputSizeMismatch(expectedBytes: model.inputBytes, gotBytes: input.count) }
    }

    private func allocateSequence() -> UInt16 {
        lastSequence = lastSequence == UInt16.max ? 1 : lastSequence + 1
        return lastSequence
    }

    /// Sends `request` and waits for its reply payload; re-sends with the same sequence number after a timeout.
    func exchange(_ request: Request, timeout baseTimeout: Duration, retry: Bool = true) async throws(DeviceError)
        -> [UInt8]
    {
        let timeout = baseTimeout + timeouts.transfer(bytes: request.payload.count + replyBytesBound() + 64)
        let sequence = allocateSequence()
        let attempts = retry ? timeouts.attempts : 1
        let type = request.type
        statistics.requests += 1
        for attempt in 1...attempts {
            if attempt > 1 { statistics.retries += 1 }
            try await send(request, sequence: sequence)
            let replyType = type.replyType
            let frame = try await receive(until: .now + timeout) { frame in
                frame.sequence == sequence && (frame.type == replyType || frame.type == MessageType.error.rawValue)
            }
            guard let frame else { continue }
            if frame.version != Frame.protocolVersion {  // e.g. a version 1 board's VERSION_MISMATCH
                throw .versionMismatch(boardProtocolVersion: Int32(frame.version), hostProtocolVersion: Int32(Frame.protocolVersion))
            }
            if frame.type == MessageType.error.rawValue {
                let error = try boardError(frame.payload, command: type)
                if case .badState = error, model != nil, type != .loadChunk, type != .loadEnd {
                    try await detectReboot()
                }
                throw error
            }
            return frame.payload
        }
        statistics.timeouts += 1
        throw .timedOut(command: type.description, endpoint: endpoint, timeoutSeconds: Self.seconds(timeout), attempts: attempts)
    }

    /// After BAD_STATE while a model should be loaded: a changed boot count means the board rebooted.
    private func detectReboot() async throws(DeviceError) {
        guard let previous = boardInfo else { return }
        let payload = try await exchange(.hello(hostProtocolVersion: Frame.protocolVersion), timeout: timeouts.command)
        guard let now = try? HelloReply(payload: payload) else { return }
        boardInfo = now
        if now.bootCount != previous.bootCount {
            model = nil
            throw .boardRebooted(endpoint: endpoint, previousBootCount: previous.bootCount, bootCount: now.bootCount)
        }
    }

    private func boardError(_ payload: [UInt8], command: MessageType) throws(DeviceError) -> DeviceError {
        let reply: ErrorReply
        reply = try Self.decode { () throws(ProtocolError) in try ErrorReply(payload: payload) }
        return DeviceError(board: reply, command: command)
    }

    private func send(_ request: Request, sequence: UInt16) async throws(DeviceError) {
        let frame = Frame(type: request.type.rawValue, sequence: sequence, payload: request.payload)
        let wire = [0] + frame.wireBytes  // leading delimiter flushes any garbage the board holds
        do { try await transport.write(wire) } catch { throw Self.linkError(error, endpoint: endpoint) }
        statistics.bytesWritten += wire.count
    }

    /// Reads until a frame satisfying `accept` arrives (returned) or `deadline` passes (nil). Other valid frames are
    /// stale replies and are discarded.
    private func receive(until deadline: ContinuousClock.Instant, accept: (Frame) -> Bool) async throws(DeviceError) -> Frame? {
        while true {
            while let frame = decoder.nextFrame() {
                if accept(frame) { return frame }
                statistics.staleFrames += 1
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            let bytes: [UInt8]
            do { bytes = try await transport.read(maxBytes: 4096, timeout: remaining) } catch {
                throw Self.linkError(error, endpoint: endpoint)
            }
            statistics.bytesRead += bytes.count
            decoder.append(bytes)
            statistics.droppedFrames = decoder.dropped.total
        }
    }

    static func decode<T>(_ make: () throws(ProtocolError) -> T) throws(DeviceError) -> T {
        do { return try make() } catch { throw .protocolViolation(error) }
    }

    private static func linkError(_ error: TransportError, endpoint: String) -> DeviceError {
        if case .closed = error { return .boardVanished(endpoint: endpoint) }
        return .transportFailed(error)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
