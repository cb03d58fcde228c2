import DeviceLink
import PowerMeter

extension BenchConfiguration {
    /// Opens this configuration's board (for `virtual`: builds the firmware if needed and starts QEMU). The one place
    /// a configuration becomes a `Board`; `close()` on the board releases it.
    ///
    /// A real board (any other endpoint) must run the firmware this checkout builds: its HELLO build id and version
    /// are checked against `FirmwareIdentity.expected` following `firmwarePolicy` (see `verifyFirmware`).
    public func openBoard(timeouts: DeviceTimeouts = .standard) async throws(BenchError) -> any Board {
        if case let .labgridPlace(place) = board { return try await openLabgridPlace(place, timeouts: timeouts) }
        let opened = try await openBoardUnchecked(timeouts: timeouts)
        switch board {
        case .virtual, .emulatedPico: return opened  // started from this checkout's build
        default:
            return try await verifyFirmware(of: opened, flasher: defaultFlasher) { () async throws -> any Board in
                try await self.openBoardUnchecked(timeouts: timeouts)
            }
        }
    }

    private func openBoardUnchecked(timeouts: DeviceTimeouts) async throws(BenchError) -> any Board {
        do {
            return try await board.open(timeouts: timeouts, firmwareVersion: board == .virtual ? firmwareVersion : nil)
        } catch let error as DeviceError {
            throw .device(error)
        } catch {
            throw .invalidRequest("cannot open the board \(board): \(error)")
        }
    }

    /// Opens this configuration's board, runs `body` with it and closes it whatever happens (for commands that need
    /// the board but no meter: `infer`, `profile`).
    public func withBoard<Result: Sendable>(_ body: (any Board) async throws -> Result) async throws -> Result {
        let board = try await openBoard()
        return try await closing(board.close) { try await body(board) }
    }

    /// Opens this configuration's meter for `board`: a PPK2 watches the board's marker wire; the simulated meter
    /// watches the emulated Pico's GP22 edges, or any other board's RUN_WINDOW reports.
    public func openMeter(for board: any Board) async throws(BenchError) -> any PowerMeter {
        if let placeBoard = board as? LabgridPlaceBoard {
            return try await placeBoard.placeConfiguration.openMeter(for: placeBoard.inner)
        }
        switch meter {
        case let .simulated(simulated):
            let meter = SimulatedMeter(configuration: simulated)
            if let pico = board as? EmulatedPico {
                await meter.watchMarker(of: pico)  // GP22's edges, as a PPK2 would see them
            } else {
                await meter.watch(board.device)
            }
            return meter
        case let .ppk2(endpoint, ppk2):
            do {
                let transport = try await endpoint.openTransport()
                return try await PPK2Meter.connect(transport: transport, configuration: ppk2)
            } catch let error as PowerMeterError {
                throw .meter(error)
            } catch {
                throw .invalidRequest("cannot open the PPK2 at \(endpoint): \(error)")
            }
        }
    }
}

extension Bench {
    /// Opens `configuration`'s bench, runs `body` with it and closes it whatever happens: normal return, a thrown
    /// error, or cancellation. The way to use a bench.
    public static func with<Result: Sendable>(
        _ configuration: BenchConfiguration, _ body: (Bench) async throws -> Result
    ) async throws -> Result {
        let bench = try await open(configuration)
        return try await closing(bench.close) { try await body(bench) }
    }

    /// A bench over a board opened elsewhere (a board kind the configuration cannot name yet, an in-process fake),
    /// closed with the board however `body` ends. A simulated meter must already watch the board.
    public static func with<Result: Sendable>(
        board: any Board, meter: any PowerMeter, _ body: (Bench) async throws -> Result
    ) async throws -> Result {
        let bench = try await closingOnFailure(board.close) { try await Bench(board: board, meter: meter) }
        return try await closing(bench.close) { try await body(bench) }
    }

    /// Opens `configuration`'s bench; the caller must `close()` it. Only for a bench that outlives one scope (the
    /// process-wide bench of `SharedBench`); everything else uses `with(_:_:)`.
    public static func open(_ configuration: BenchConfiguration) async throws(BenchError) -> Bench {
        let board = try await configuration.openBoard()
        return try await closingOnFailure(board.close) { () async throws(BenchError) in
            let meter = try await configuration.openMeter(for: board)
            return try await Bench(board: board, meter: meter, boardID: configuration.boardID)
        }
    }
}

extension BenchConfiguration {
    /// `labgrid:PLACE`: acquires the place (bounded by `labgridWait`), resolves its `board` (and `meter`)
    /// NetworkSerialPort to `rfc2217://` endpoints, and opens the board there like any other real board (lock,
    /// HELLO, firmware check). The board returned releases the place when closed; if opening fails, the place is
    /// released before the error is thrown.
    func openLabgridPlace(_ place: String, timeouts: DeviceTimeouts) async throws(BenchError) -> any Board {
        let lease: LabgridPlaceLease
        do {
            let client = try LabgridClient.located(coordinator: labgridCoordinator)
            lease = try await LabgridPlaceLease.acquire(place: place, client: client, wait: labgridWait)
        } catch {
            throw .labgrid(error)
        }
        do throws(BenchError) {
            let resources: LabgridPlaceResources
            do { resources = try await lease.resources() } catch { throw BenchError.labgrid(error) }
            var resolved = self
            do { resolved.board = try resources.board().endpoint } catch { throw BenchError.labgrid(error) }
            if let meter = resources.meter {
                var ppk2 = PPK2Meter.Configuration()
                switch self.meter {
                case let .ppk2(_, configured): ppk2 = configured
                case let .simulated(simulated): ppk2.supply = simulated.model.supply
                }
                resolved.meter = .ppk2(meter.endpoint, ppk2)
            }
            let inner = try await resolved.openBoard(timeouts: timeouts)
            return LabgridPlaceBoard(inner: inner, lease: lease, placeConfiguration: resolved)
        } catch {
            await lease.release()
            throw error
        }
    }
}
