import Foundation

/// Which firmware a board runs or the host expects: the version and build id HELLO reports, and the firmware folder
/// (`firmware/boards/<board>`) it was built from.
public struct FirmwareIdentity: Equatable, Sendable, CustomStringConvertible {
    public var firmwareVersion: String
    public var buildID: String

    public init(firmwareVersion: String, buildID: String) {
        self.firmwareVersion = firmwareVersion
        self.buildID = buildID
    }

    /// What a board's HELLO reply says it runs.
    public init(_ hello: HelloReply) {
        self.init(firmwareVersion: hello.firmwareVersion, buildID: hello.buildID)
    }

    public var description: String { "version \(firmwareVersion), build \(buildID)" }

    /// Reads `build-info.txt`, which `make -C firmware` writes next to the ELF (`firmware_version=…`, `build_id=…`,
    /// `board=…` lines).
    public static func read(buildInfo url: URL) throws(FirmwareIdentityError) -> FirmwareIdentity {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw .buildInfoMissing(path: url.path) }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let version = values["firmware_version"], let build = values["build_id"], !build.isEmpty else {
            throw .buildInfoMalformed(path: url.path, text: text)
        }
        return FirmwareIdentity(firmwareVersion: version, buildID: build)
    }

    /// The firmware folder under `firmware/boards/` for the board name HELLO reports (`rp2040-pico` → `pico`), or nil
    /// when TinyHIL has no firmware for that board.
    public static func firmwareBoard(forBoardName name: String) -> String? {
        boardFolders[name]
    }

    public static let boardFolders = ["rp2040-pico": "pico", "mps2-an385": "mps2-an385"]

    /// Builds the firmware for `board` if stale (`make -C firmware board=…`) and returns the identity the host expects
    /// a board to run: the build's `build-info.txt`.
    public static func expected(
        board: String, repository: URL = FirmwareBuild.defaultRepository
    ) async throws(FirmwareIdentityError) -> FirmwareIdentity {
        let elf: URL
        do { elf = try await FirmwareBuild.ensureBuilt(repository: repository, board: board) } catch {
            throw .buildFailed(error)
        }
        return try read(buildInfo: elf.deletingLastPathComponent().appendingPathComponent("build-info.txt"))
    }
}

/// Why the firmware the host expects could not be determined.
public enum FirmwareIdentityError: Error, Equatable, Sendable, CustomStringConvertible {
    case buildInfoMissing(path: String)
    case buildInfoMalformed(path: String, text: String)
    case buildFailed(VirtualBoardError)

    public var description: String {
        switch self {
        case let .buildInfoMissing(path):
            "\(path) is missing: build the firmware with make -C firmware (it writes build-info.txt next to the ELF)."
        case let .buildInfoMalformed(path, text):
            "\(path) lacks firmware_version= or build_id= (found: \(text.prefix(200))); rebuild with make -C firmware clean all."
        case let .buildFailed(error): "cannot build the firmware the board should run: \(error)"
        }
    }
}
