import Foundation
import TinyHILTestSupport
import XCTest

@testable import Bench

/// git runs in the repository it is asked about, never in the current directory, and cannot hang the caller
/// (issue 14 item 11).
final class RepositoryRevisionTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tinyhil-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        guard RepositoryRevision.git(["--version"], in: scratch) != nil else { throw XCTSkip("git is not installed") }
    }

    override func tearDown() { try? FileManager.default.removeItem(at: scratch) }

    private func run(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path, "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitForExit()
        XCTAssertEqual(process.terminationStatus, 0, "git \(arguments)")
    }

    func testRevisionOfTheGivenRepositoryWithDirtyMark() throws {
        guard ProcessInfo.processInfo.environment["TINYHIL_REPOSITORY_COMMIT"] == nil,
              ProcessInfo.processInfo.environment["GITHUB_SHA"] == nil else { throw XCTSkip("revision overridden by the environment") }
        try run(["init", "-q"], in: scratch)
        try Data("a\n".utf8).write(to: scratch.appendingPathComponent("file.txt"))
        try run(["add", "file.txt"], in: scratch)
        try run(["commit", "-q", "-m", "one"], in: scratch)
        let head = try XCTUnwrap(RepositoryRevision.git(["rev-parse", "HEAD"], in: scratch))
        XCTAssertEqual(head.count, 40)
        XCTAssertEqual(RepositoryRevision.current(in: scratch), head)
        try Data("b\n".utf8).write(to: scratch.appendingPathComponent("file.txt"))
        XCTAssertEqual(RepositoryRevision.current(in: scratch), head + "-dirty")
        // Not a repository: nil, not the revision of whatever directory the process runs in.
        let plain = scratch.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        let ceiling = ProcessInfo.processInfo.environment["GIT_CEILING_DIRECTORIES"]
        setenv("GIT_CEILING_DIRECTORIES", scratch.path, 1)
        defer { if let ceiling { setenv("GIT_CEILING_DIRECTORIES", ceiling, 1) } else { unsetenv("GIT_CEILING_DIRECTORIES") } }
        XCTAssertNil(RepositoryRevision.current(in: plain))
    }

    func testARepositoryHookThatRunsAProgramIsNotRun() throws {
        // A repository's own configuration can name a program git runs on `status` (core.fsmonitor); recording a
        // revision must not run it.
        try run(["init", "-q"], in: scratch)
        try run(["commit", "-q", "--allow-empty", "-m", "one"], in: scratch)
        let marker = scratch.appendingPathComponent("hook-ran")
        let hook = scratch.appendingPathComponent("hook.sh")
        try Data("#!/bin/sh\ntouch '\(marker.path)'\n".utf8).write(to: hook)
        chmod(hook.path, 0o755)
        try run(["config", "core.fsmonitor", hook.path], in: scratch)
        _ = RepositoryRevision.git(["status", "--porcelain", "--untracked-files=no"], in: scratch)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "the repository's fsmonitor hook ran")
    }

    func testAHangingGitIsKilledAtTheTimeout() throws {
        // An alias that sleeps stands in for git blocked on a lock or a slow file system.
        try run(["init", "-q"], in: scratch)
        try run(["config", "alias.hang", "!sleep 30"], in: scratch)
        let start = ContinuousClock.now
        XCTAssertNil(RepositoryRevision.git(["hang"], in: scratch, timeoutSeconds: 0.5))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(20), "the caller waited for the hung git")
    }

    func testTheProcessRevisionIsLookedUpOnce() {
        XCTAssertEqual(RepositoryRevision.current(), RepositoryRevision.current())
    }
}
