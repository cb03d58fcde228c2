import DeviceLink
import Foundation
import TinyHILTestSupport
import XCTest

/// Thousands of commands through a transport that drops, corrupts, duplicates and delays bytes and disconnects in
/// mid-frame, against the firmware under QEMU. Every accepted result must equal the independent expectation
/// (TFLM reference outputs for INFER; the requested level for MARKER), and every call must end — with a result
/// or a typed error — within its bound.
final class FaultInjectionTests: XCTestCase {
    func testNoWrongResultAndNoHangUnderInjectedFaults() async throws {
        try requireFirmwareSources()
        let model = try FixtureModel.named("lenet_int8")
        // TINYHIL_FAULT_COMMANDS=20000 for a longer soak. Most of the run is spent waiting out the timeouts of frames
        // a fault hit (an INFER frame is 800 bytes, so about one in five meets a byte fault), so the allowance per
        // inference is 250 ms: LeNet takes 20–60 ms of wall time under QEMU on a loaded 2-core machine.
        let commandCount = ProcessInfo.processInfo.environment["TINYHIL_FAULT_COMMANDS"].flatMap(Int.init) ?? 2000
        let timeouts = DeviceTimeouts(
            command: .milliseconds(300), loadBeginRAM: .seconds(2), loadEnd: .seconds(5), perInference: .milliseconds(250),
            attempts: 4)
        let faults = FaultInjectingTransport.Profile(
            byteDropRate: 0.0001, byteCorruptRate: 0.0001, byteDuplicateRate: 0.0001, writeDuplicateRate: 0.03,
            delayRate: 0.02, maxDelay: .milliseconds(400), disconnectRate: 0.003)
        let quiet = FaultInjectingTransport.Profile()
        let modelCRC32 = CRC32.checksum(model.bytes)
        let firstLink = LinkBox()
        let board = try await VirtualBoard.start(timeouts: timeouts) { socket in
            let link = FaultInjectingTransport(wrapping: socket, profile: quiet, seed: 0x7E57)
            firstLink.set(link)
            return link
        }
        var random = SeededGenerator(seed: 42)
        var report = FaultReport()
        let started = ContinuousClock.now
        var device = board.device
        var link = try XCTUnwrap(firstLink.get())
        var retiredStatistics: [LinkStatistics] = []
        var retiredFaults: [FaultInjectingTransport.Counts] = []

        func connectAgain(seed: UInt64) async throws {
            let reconnectStarted = ContinuousClock.now
            defer { report.reconnecting += ContinuousClock.now - reconnectStarted }
            retiredStatistics.append(await device.statistics)
            retiredFaults.append(link.injected)
            if device !== board.device { await device.close() }
            while true {
                let socket = try await board.connect()
                link = FaultInjectingTransport(wrapping: socket, profile: quiet, seed: seed)
                device = Device(transport: link, timeouts: timeouts)
                do {
                    // Without faults (the commands below are under test). The board kept its model across the
                    // broken connection, so the new session selects it (a 121 KB upload at the emulated UART's
                    // 7–20 KB/s took 6–17 s per reconnect); a board that lost it gets it uploaded again.
                    let selected = try? await device.select(slot: 0)
                    if selected?.modelCRC32 != modelCRC32 { try await device.load(model.bytes) }
                    break
                } catch {
                    await device.close()
                }
            }
            report.reconnects += 1
            link.setProfile(faults)
        }

        do {
            try await device.load(model.bytes)
            link.setProfile(faults)
            for index in 0..<commandCount {
                let roll = Int.random(in: 0..<100, using: &random)
                let start = ContinuousClock.now
                var vanished = false
                do throws(DeviceError) {
                    if roll < 8 {
                        let input = Int.random(in: 0..<model.inputs.count, using: &random)
                        let reply = try await device.infer(model.inputs[input])
                        report.record(.infer, correct: reply.output == model.referenceOutputs[input])
                    } else if roll < 10 {
                        let picks = (0..<3).map { _ in Int.random(in: 0..<model.inputs.count, using: &random) }
                        let results = try await device.inferBatch(picks.map { model.inputs[$0] })
                        let outputs = results.map { result -> [UInt8]? in
                            if case .fullOutput(_, let output) = result { return output }
                            return nil
                        }
                        report.record(.batch, correct: outputs == picks.map { model.referenceOutputs[$0] })
                    } else if roll < 20 {
                        let hello = try await device.hello()
                        report.record(.hello, correct: hello.boardName == "mps2-an385" && hello.protocolVersion == 2)
                    } else {
                        let level = Bool.random(using: &random)
                        let reported = try await device.marker(level)
                        report.record(.marker, correct: reported == level)
                    }
                } catch {
                    report.record(error)
                    if case .boardVanished = error { vanished = true }
                }
                let elapsed = ContinuousClock.now - start
                if vanished { try await connectAgain(seed: 0x7E57 &+ UInt64(index)) }
                report.longest = max(report.longest, elapsed)
                let timeout: Duration
                if roll < 8 {
                    timeout = timeouts.inference(count: 1) + timeouts.transfer(bytes: 2 * model.inputs[0].count + 64)
                } else if roll < 10 {
                    // INFER_BATCH: one frame of 3 inputs; a retry re-sends every outstanding frame (at most 2 here).
                    timeout = (timeouts.inference(count: 3) + timeouts.transfer(bytes: 3 * (model.inputs[0].count + 18) + 64)) * 2
                } else {
                    timeout = timeouts.command + timeouts.transfer(bytes: 256)
                }
                if elapsed > Self.bound(timeout, timeouts: timeouts, maxDelay: faults.maxDelay) {
                    report.overran += 1
                    print("call \(index) (roll \(roll)) took \(elapsed), over its bound \(Self.bound(timeout, timeouts: timeouts, maxDelay: faults.maxDelay))")
                }
            }
        } catch {
            await board.close()
            throw error
        }
        retiredStatistics.append(await device.statistics)
        retiredFaults.append(link.injected)
        if device !== board.device { await device.close() }
        await board.close()

        let retries = retiredStatistics.reduce(0) { $0 + $1.retries }
        let stale = retiredStatistics.reduce(0) { $0 + $1.staleFrames }
        let dropped = retiredStatistics.reduce(0) { $0 + $1.droppedFrames }
        let injected = retiredFaults.reduce(into: FaultInjectingTransport.Counts()) { sum, counts in
            sum.droppedBytes += counts.droppedBytes
            sum.corruptedBytes += counts.corruptedBytes
            sum.duplicatedBytes += counts.duplicatedBytes
            sum.duplicatedWrites += counts.duplicatedWrites
            sum.delays += counts.delays
            sum.disconnects += counts.disconnects
        }
        print("""
            fault injection: \(commandCount) commands in \(ContinuousClock.now - started); \
            ok \(report.succeeded) (INFER \(report.successes[.infer, default: 0]), INFER_BATCH \(report.successes[.batch, default: 0]), HELLO \(report.successes[.hello, default: 0]), \
            MARKER \(report.successes[.marker, default: 0])), wrong results accepted \(report.wrong), \
            typed errors \(report.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")), \
            reconnects \(report.reconnects) (taking \(report.reconnecting)), retries \(retries), stale replies discarded \(stale), corrupt frames dropped \(dropped), \
            longest call \(report.longest), calls over their bound \(report.overran); injected: dropped bytes \(injected.droppedBytes), \
            corrupted bytes \(injected.corruptedBytes), duplicated bytes \(injected.duplicatedBytes), duplicated writes \
            \(injected.duplicatedWrites), delays \(injected.delays), mid-frame disconnects \(injected.disconnects)
            """)
        XCTAssertEqual(report.wrong, 0, "a wrong result was accepted")
        XCTAssertEqual(report.overran, 0, "a call exceeded its bound")
        XCTAssertEqual(report.untyped, 0)
        XCTAssertGreaterThan(report.succeeded, commandCount / 2, "the link should mostly work under these fault rates")
        XCTAssertGreaterThan(injected.total, 100, "faults were injected")
        XCTAssertGreaterThan(retries, 0, "retries were exercised")
    }

    /// Longest a call may take: every attempt waits its timeout, plus at most one delayed write and one delayed read
    /// (the read that straddles the deadline), plus 3 s for scheduling on a loaded machine.
    static func bound(_ timeout: Duration, timeouts: DeviceTimeouts, maxDelay: Duration) -> Duration {
        (timeout + maxDelay * 2) * timeouts.attempts + .seconds(3)
    }
}

private struct FaultReport {
    enum Command: Hashable { case infer, batch, hello, marker }
    var successes: [Command: Int] = [:]
    var wrong = 0
    var errors: [String: Int] = [:]
    var untyped = 0
    var reconnects = 0
    var reconnecting: Duration = .zero
    var overran = 0
    var longest: Duration = .zero

    var succeeded: Int { successes.values.reduce(0, +) }

    mutating func record(_ command: Command, correct: Bool) {
        if correct { successes[command, default: 0] += 1 } else { wrong += 1 }
    }

    mutating func record(_ error: DeviceError) {
        let kind: String
        switch error {
        case .timedOut: kind = "timedOut"
        case .boardVanished: kind = "boardVanished"
        default: kind = "\(error)"
        }
        errors[kind, default: 0] += 1
    }
}

final class LinkBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: FaultInjectingTransport?
    func set(_ link: FaultInjectingTransport) { lock.withLock { value = link } }
    func get() -> FaultInjectingTransport? { lock.withLock { value } }
}
