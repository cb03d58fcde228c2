import Foundation
import XCTest

@testable import DeviceLink

#if canImport(Glibc)
import Glibc
#endif

/// Lock files live in a directory only this user can write and are never followed through planted links
/// (issue 14 item 5); waiting for one is bounded and names the holder.
final class LockDirectoryTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws { scratch = try makeScratchDirectory("lockdir") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    private func acquire(_ directory: String, _ name: String = "board.lock",
                         wait: LockFile.Wait = .never) throws -> LockFile.Outcome {
        try LockFile.acquire(directory: directory, name: name, wait: wait)
    }

    private func expectUnsafe(_ directory: String, _ name: String = "board.lock", mentioning text: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try acquire(directory, name), file: file, line: line) { error in
            guard let error = error as? LockFileError else { return XCTFail("\(error)", file: file, line: line) }
            switch error {
            case .unsafeDirectory, .unsafeFile:
                XCTAssertTrue(error.description.contains(text), "\(error)", file: file, line: line)
            default: XCTFail("\(error)", file: file, line: line)
            }
        }
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0)
        return info.st_mode & 0o777
    }

    func testMissingDirectoryIsCreatedPrivate() throws {
        let directory = scratch + "/locks"
        let oldMask = umask(0)  // even with a permissive umask
        defer { umask(oldMask) }
        guard case let .acquired(file) = try acquire(directory) else { return XCTFail("busy") }
        XCTAssertEqual(mode(directory), 0o700)
        XCTAssertEqual(mode(file.path), 0o600)
        XCTAssertEqual(try String(contentsOfFile: file.path, encoding: .utf8), "\(getpid())\n")
        file.release()
    }

    func testSymlinkedDirectoryIsRefused() throws {
        let real = scratch + "/real"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: scratch + "/locks", withDestinationPath: real)
        expectUnsafe(scratch + "/locks", mentioning: "symbolic link")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: real), [])
    }

    func testDirectoryOthersCanWriteIsRefused() throws {
        let directory = scratch + "/locks"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        XCTAssertEqual(chmod(directory, 0o777), 0)
        expectUnsafe(directory, mentioning: "777")
        XCTAssertEqual(chmod(directory, 0o1730), 0)
        expectUnsafe(directory, mentioning: "730")
    }

    func testDirectoryOfAnotherUserIsRefused() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to give a directory to another user") }
        let directory = scratch + "/locks"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        XCTAssertEqual(chown(directory, 65534, 65534), 0)
        expectUnsafe(directory, mentioning: "belongs to user 65534")
    }

    func testAPlainFileInPlaceOfTheDirectoryIsRefused() throws {
        FileManager.default.createFile(atPath: scratch + "/locks", contents: Data("x".utf8))
        expectUnsafe(scratch + "/locks", mentioning: "not a directory")
    }

    func testPlantedSymlinkIsNeitherFollowedNorTruncated() throws {
        let directory = scratch + "/locks"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        let victim = scratch + "/precious.txt"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: directory + "/board.lock", withDestinationPath: victim)
        expectUnsafe(directory, mentioning: "symbolic link")
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me")
        // A dangling planted link must not create its target either.
        let target = scratch + "/created-through-link"
        try FileManager.default.createSymbolicLink(atPath: directory + "/other.lock", withDestinationPath: target)
        expectUnsafe(directory, "other.lock", mentioning: "symbolic link")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    func testPlantedHardLinkIsRefusedBeforeWriting() throws {
        let directory = scratch + "/locks"
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        let victim = scratch + "/precious.txt"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: victim))
        XCTAssertEqual(link(victim, directory + "/board.lock"), 0)
        expectUnsafe(directory, mentioning: "2 hard links")
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me")
    }

    func testBusyLockIsRefusedAtOnceAndNamesTheHolder() throws {
        let directory = scratch + "/locks"
        guard case let .acquired(held) = try acquire(directory) else { return XCTFail("busy") }
        guard case let .busy(holder, path) = try acquire(directory) else { return XCTFail("acquired twice") }
        XCTAssertEqual(holder, getpid())
        XCTAssertEqual(path, held.path)
        held.release()
        guard case let .acquired(again) = try acquire(directory) else { return XCTFail("not released") }
        again.release()
    }

    func testWaitingForABusyLockEnds() throws {
        let directory = scratch + "/locks"
        guard case let .acquired(held) = try acquire(directory) else { return XCTFail("busy") }
        defer { held.release() }
        let start = ContinuousClock.now
        guard case let .busy(holder, _) = try acquire(directory, wait: .upTo(seconds: 0.3)) else {
            return XCTFail("acquired a held lock")
        }
        XCTAssertEqual(holder, getpid())
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(300))
    }

    func testWaitingGetsTheLockWhenTheHolderLetsGo() throws {
        let directory = scratch + "/locks"
        guard case let .acquired(held) = try acquire(directory) else { return XCTFail("busy") }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { held.release() }
        guard case let .acquired(file) = try acquire(directory, wait: .upTo(seconds: 30)) else {
            return XCTFail("never got the released lock")
        }
        file.release()
    }

    func testFirmwareBuildLockWaitIsBoundedAndNamesTheHolder() throws {
        try withPrivateLockDirectory { directory in
            guard case let .acquired(held) = try acquire(directory, "firmware-build.lock") else { return XCTFail("busy") }
            defer { held.release() }
            XCTAssertThrowsError(try FirmwareBuild.takeBuildLock(waitSeconds: 0.2)) { error in
                guard case let .firmwareBuildFailed(_, output)? = error as? VirtualBoardError else { return XCTFail("\(error)") }
                XCTAssertTrue(output.contains("process \(getpid())"), output)
            }
        }
    }

    func testBoardLockReportsAnUnsafeDirectoryAsATypedError() throws {
        try withPrivateLockDirectory { directory in
            XCTAssertEqual(mkdir(directory, 0o700), 0)
            XCTAssertEqual(chmod(directory, 0o777), 0)
            XCTAssertThrowsError(try BoardLock.acquire(key: "usb-X", endpoint: "bench")) { error in
                guard case .lockUnsafe(.unsafeDirectory)? = error as? DeviceError else { return XCTFail("\(error)") }
            }
        }
    }
}
