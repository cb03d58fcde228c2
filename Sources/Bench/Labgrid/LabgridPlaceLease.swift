import DeviceLink
import Foundation

/// A labgrid place acquired for one run, released by ``release()`` — or, if the process ends without it (an error
/// path that exits, SIGINT, SIGTERM, even SIGKILL), by a guard process.
///
/// The guard is `/bin/sh` in its own process group, ignoring SIGINT/SIGTERM/SIGHUP, whose stdin is a pipe only this
/// process holds open (``ChildProcess`` lifeline, close-on-exec). When this process ends however it ends, the guard
/// reads end-of-file and runs `labgrid-client release` — but only while its "armed" file exists: ``release()``
/// removes that file before releasing itself, so the guard never releases a later acquisition of the same place.
public final class LabgridPlaceLease: @unchecked Sendable {
    public let place: String
    public let client: LabgridClient
    private let lock = NSLock()
    private var guardProcess: ChildProcess?
    private var armedPath: String?

    private init(place: String, client: LabgridClient, guardProcess: ChildProcess, armedPath: String) {
        self.place = place
        self.client = client
        self.guardProcess = guardProcess
        self.armedPath = armedPath
    }

    /// Acquires `place`. A place acquired by another (or by this user's other run) is `LabgridError.placeHeld` at
    /// once, or — with `wait` above zero — is asked for again every second until `wait` has passed
    /// (`waitExpired`). labgrid never shares an acquired place, so two runs never interleave on one board.
    public static func acquire(
        place: String, client: LabgridClient, wait: Duration = .zero, retryInterval: Duration = .seconds(1)
    ) async throws(LabgridError) -> LabgridPlaceLease {
        let clock = ContinuousClock()
        let started = clock.now
        while true {
            do {
                _ = try await client.run(place: place, ["acquire"])
                break
            } catch {
                guard case let .placeHeld(_, holder) = error, wait > .zero else { throw error }
                let waited = clock.now - started
                guard waited < wait else {
                    throw .waitExpired(place: place, holder: holder, waitedSeconds: Self.seconds(waited))
                }
                try? await Task.sleep(for: min(retryInterval, wait - waited))
            }
        }
        let armedPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("tinyhil-labgrid-armed-\(UUID().uuidString)").path
        do {
            guard FileManager.default.createFile(atPath: armedPath, contents: Data(place.utf8)) else {
                throw LabgridError.clientFailed(command: "create \(armedPath)", status: -1, output: "cannot write the guard's file")
            }
            let script = "trap '' INT TERM HUP; cat >/dev/null; if [ -e \"$1\" ]; then rm -f \"$1\"; shift; exec \"$@\"; fi"
            let guardProcess: ChildProcess
            do {
                guardProcess = try ChildProcess(
                    executable: "/bin/sh",
                    arguments: ["-c", script, "tinyhil-labgrid-guard", armedPath, client.executable]
                        + client.arguments(place: place, ["release"]),
                    outputPath: "/dev/null", lifeline: true)
            } catch {
                throw LabgridError.clientFailed(command: "/bin/sh (release guard)", status: -1, output: "\(error)")
            }
            return LabgridPlaceLease(place: place, client: client, guardProcess: guardProcess, armedPath: armedPath)
        } catch {
            try? FileManager.default.removeItem(atPath: armedPath)
            _ = try? await client.run(place: place, ["release"])
            throw error as? LabgridError ?? .clientFailed(command: "acquire", status: -1, output: "\(error)")
        }
    }

    /// The place's resources (`labgrid-client env`).
    public func resources() async throws(LabgridError) -> LabgridPlaceResources {
        let text = try await client.run(place: place, ["env"])
        return try LabgridPlaceResources.parse(environment: text, place: place)
    }

    /// Releases the place (idempotent). Returns the error when labgrid refused; the place is then left to
    /// `labgrid-client release`.
    @discardableResult
    public func release() async -> LabgridError? {
        let taken: (ChildProcess, String)? = lock.withLock {
            defer { guardProcess = nil; armedPath = nil }
            guard let guardProcess, let armedPath else { return nil }
            return (guardProcess, armedPath)
        }
        guard let (guardProcess, armedPath) = taken else { return nil }
        try? FileManager.default.removeItem(atPath: armedPath)  // disarm first: the guard must not release too
        guardProcess.terminate(grace: .zero)
        do {
            _ = try await client.run(place: place, ["release"])
            return nil
        } catch {
            FileHandle.standardError.write(Data("warning: \(error)\n".utf8))
            return error
        }
    }

    /// Whether this lease still holds the place (``release()`` not yet called).
    public var isHeld: Bool { lock.withLock { guardProcess != nil } }

    /// The guard's process id (tests).
    public var guardProcessID: Int32? { lock.withLock { guardProcess?.pid } }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
