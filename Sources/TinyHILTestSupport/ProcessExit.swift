#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

extension Process {
    /// Waits until the process has ended, without running a run loop, and kills it (SIGKILL) once `timeout` has
    /// passed so a test can never wait forever.
    ///
    /// Use this instead of `waitUntilExit()` in tests. On Linux, Foundation's `waitUntilExit()` runs the calling
    /// thread's run loop, and called from an async XCTest (whose main thread is running its own run loop) it was
    /// seen to deadlock inside CFRunLoop with the child long gone: `.ci/run` hung in
    /// `EmulatedPicoTests.testUF2IsByteIdenticalToAdafruitUF2Converter`. `isRunning` is updated by Process's own
    /// monitoring thread, so polling it is safe from any context.
    public func waitForExit(timeout: Duration = .seconds(900)) {
        let deadline = ContinuousClock.now + timeout
        var killed = false
        while isRunning {
            if !killed, ContinuousClock.now >= deadline {
                kill(processIdentifier, SIGKILL)
                killed = true
            }
            usleep(5_000)
        }
    }
}
