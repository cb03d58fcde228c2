import Foundation

/// The git commit of the repository under test, recorded with every result.
public enum RepositoryRevision {
    /// `$TINYHIL_REPOSITORY_COMMIT`, `$GITHUB_SHA`, or `git rev-parse HEAD` in the current directory (with `-dirty`
    /// when the work tree has changes); nil when none is available.
    public static func current(in directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> String? {
        let environment = ProcessInfo.processInfo.environment
        for key in ["TINYHIL_REPOSITORY_COMMIT", "GITHUB_SHA"] {
            if let value = environment[key], !value.isEmpty { return value }
        }
        guard let head = git(["rev-parse", "HEAD"], in: directory), !head.isEmpty else { return nil }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: directory).map { !$0.isEmpty } ?? false
        return dirty ? head + "-dirty" : head
    }

    private static func git(_ arguments: [String], in directory: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
