import Bench
import DeviceLink
import Foundation
import PowerMeter
import TinyHILTestSupport
import XCTest

/// `bench.yml` in YAML: several boards per bench host selected by name, the flat one-board files of before, and a
/// typed error naming line and key for every kind of mistake. Line numbers below are counted by hand in the text.
final class BenchFileTests: XCTestCase {
    let twoBoards = """
        # bench host lab-2: two Picos, two PPK2s
        default_board: pico-1
        boards:
          pico-1:
            board: serial:E6614103E7452D2F
            board_id: pico-bench-1
            meter: ppk2:/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_AAAA-if00
            marker_pin: 0
          pico-2:
            board: rfc2217://bench-pi:4001
            meter: "ppk2:/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_BBBB-if00"
            marker_pin: 3
            supply_volts: 1.8
          qemu:
            board: virtual
            seed: 7
            window_noise: 0
        """

    func testSelectsEachBoardByNameWithItsEndpointMeterPinAndID() throws {
        let file = try BenchFile.parse(twoBoards, path: "bench.yml")
        XCTAssertEqual(file.boards.map(\.name), ["pico-1", "pico-2", "qemu"])
        XCTAssertFalse(file.isFlat)

        let first = try file.configuration(board: "pico-1")
        XCTAssertEqual(first.board.description, "serial:E6614103E7452D2F")
        XCTAssertEqual(first.boardID, "pico-bench-1")
        guard case let .ppk2(meter1, ppk1) = first.meter else { return XCTFail("pico-1: expected a PPK2") }
        XCTAssertEqual(meter1.description, "/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_AAAA-if00")
        XCTAssertEqual(ppk1.markerPin, 0)

        let second = try file.configuration(board: "pico-2")
        XCTAssertEqual(second.board, try DeviceEndpoint.parse("rfc2217://bench-pi:4001"))
        XCTAssertEqual(second.boardID, "pico-2", "without board_id a board is named by its key")
        guard case let .ppk2(meter2, ppk2) = second.meter else { return XCTFail("pico-2: expected a PPK2") }
        XCTAssertEqual(meter2.description, "/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_BBBB-if00")
        XCTAssertEqual(ppk2.markerPin, 3)
        XCTAssertEqual(ppk2.supply, Volts(1.8))

        let virtual = try file.configuration(board: "qemu")
        XCTAssertEqual(virtual.board, .virtual)
        guard case let .simulated(simulated) = virtual.meter else { return XCTFail("qemu: expected the simulated meter") }
        XCTAssertEqual(simulated.seed, 7)
        XCTAssertEqual(simulated.imperfections.windowNoise, 0)

        XCTAssertEqual(try file.configuration(board: nil), first, "default_board")
        XCTAssertThrowsError(try file.configuration(board: "pico-9")) { error in
            XCTAssertEqual("\(error)", "bench configuration bench.yml: no board named 'pico-9' (boards: pico-1, pico-2, qemu)")
        }
    }

    func testSeveralBoardsWithoutDefaultNeedASelection() throws {
        let text = twoBoards.replacingOccurrences(of: "default_board: pico-1\n", with: "")
        XCTAssertThrowsError(try BenchConfiguration.parse(text, path: "b.yml")) { error in
            XCTAssertTrue("\(error)".contains("3 boards (pico-1, pico-2, qemu): choose one with --board NAME"), "\(error)")
        }
        XCTAssertEqual(try BenchConfiguration.parse(text, path: "b.yml", board: "pico-2").boardID, "pico-2")
        let one = "boards:\n  only:\n    board: /dev/ttyACM0\n"
        XCTAssertEqual(try BenchConfiguration.parse(one, path: "b.yml").board.description, "/dev/ttyACM0")
    }

    /// The flat file of docs/bench-setup.md before this change, byte for byte, loads as one board.
    func testTheFlatFileOfBeforeStillLoads() throws {
        let flat = """
            board: serial:E6614103E7452D2F   # the USB-UART adapter or debug probe
            board_id: pico-bench-1           # how results name this board
            meter: ppk2:/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_XXXXXXXX-if00
            supply_volts: 3.3
            marker_pin: 0                    # PPK2 logic input wired to GP22
            """
        let file = try BenchFile.parse(flat, path: "bench.yml")
        XCTAssertTrue(file.isFlat)
        XCTAssertEqual(file.boards.map(\.name), ["pico-bench-1"])
        let configuration = try file.configuration(board: nil)
        XCTAssertEqual(configuration.board.description, "serial:E6614103E7452D2F")
        XCTAssertEqual(configuration.boardID, "pico-bench-1")
        guard case let .ppk2(endpoint, ppk2) = configuration.meter else { return XCTFail("expected a PPK2") }
        XCTAssertEqual(endpoint.description, "/dev/serial/by-id/usb-Nordic_Semiconductor_PPK2_XXXXXXXX-if00")
        XCTAssertEqual(ppk2.markerPin, 0)
        XCTAssertEqual(ppk2.supply, Volts(3.3))
        XCTAssertEqual(try file.configuration(board: "pico-bench-1"), configuration)
        XCTAssertThrowsError(try file.configuration(board: "pico-2")) { error in
            XCTAssertTrue("\(error)".contains("describes one board"), "\(error)")
        }
        // The simulated flat form, quotes and all.
        let simulated = try BenchConfiguration.parse("board: 'virtual'\nseed: 3\nsample_noise: 0.5\n", path: "v.yml")
        guard case let .simulated(meter) = simulated.meter else { return XCTFail("expected the simulated meter") }
        XCTAssertEqual(simulated.board, .virtual)
        XCTAssertEqual(meter.seed, 3)
        XCTAssertEqual(meter.imperfections.sampleNoise, 0.5)
    }

    /// Each mistake: the case, the line (counted in the text) and the key.
    func testBadFilesNameTheLineAndKey() {
        func entry(_ text: String, _ line: Int, _ key: String, _ fragment: String, file: StaticString = #filePath,
                   line testLine: UInt = #line) {
            XCTAssertThrowsError(try BenchConfiguration.parse(text, path: "b.yml", board: "p"), file: file, line: testLine) { error in
                guard case let .configurationEntry(path, foundLine, foundKey, reason)? = error as? BenchError else {
                    return XCTFail("expected a configuration entry error, got \(error)", file: file, line: testLine)
                }
                XCTAssertEqual(path, "b.yml", file: file, line: testLine)
                XCTAssertEqual(foundLine, line, file: file, line: testLine)
                XCTAssertEqual(foundKey, key, file: file, line: testLine)
                XCTAssertTrue(reason.contains(fragment), reason, file: file, line: testLine)
            }
        }
        entry("boards:\n  p:\n    board: virtual\n    marker_pin: 9\n", 4, "boards.p.marker_pin", "0…7, found '9'")
        entry("boards:\n  p:\n    board: virtual\n    metre: simulated\n", 4, "boards.p.metre", "unknown key")
        entry("boards:\n  p:\n    board_id: x\n", 2, "boards.p.board", "is missing")
        entry("boards:\n  p:\n    board: virtual\n    meter: ppk3:/dev/x\n", 4, "boards.p.meter", "'simulated' or 'ppk2:ENDPOINT'")
        entry("boards:\n  p:\n    board: virtual\n    supply_volts: [3, 3]\n", 4, "boards.p.supply_volts", "a list")
        entry("boards:\n  p:\n    board: bogus://x\n", 3, "boards.p.board", "cannot understand")
        entry("boards:\n  p: virtual\n", 2, "boards.p", "mapping")
        entry("marker_pin: 0\nboards:\n  p:\n    board: virtual\n", 1, "marker_pin", "inside a board")
        entry("default_board: q\nboards:\n  p:\n    board: virtual\n", 1, "default_board", "no board named 'q'")
        entry("board: virtual\nsupply_volts: three\n", 2, "supply_volts", "must be a number")
    }

    func testYAMLSyntaxErrorsNameTheLine() {
        func syntax(_ text: String, _ line: Int, _ fragment: String, file: StaticString = #filePath, line testLine: UInt = #line) {
            XCTAssertThrowsError(try BenchConfiguration.parse(text, path: "b.yml"), file: file, line: testLine) { error in
                guard case let .configuration(_, foundLine, reason)? = error as? BenchError else {
                    return XCTFail("expected a configuration error, got \(error)", file: file, line: testLine)
                }
                XCTAssertEqual(foundLine, line, reason, file: file, line: testLine)
                XCTAssertTrue(reason.contains(fragment), reason, file: file, line: testLine)
            }
        }
        syntax("boards:\n  p:\n    board: virtual\n   seed: 1\n", 4, "not valid YAML")
        syntax("board: virtual\nmeter: \"simulated\n", 3, "not valid YAML")
        syntax("board: virtual\nboard: /dev/ttyACM0\n", 1, "given twice")
        XCTAssertThrowsError(try BenchConfiguration.parse("# nothing\n", path: "b.yml")) { error in
            XCTAssertTrue("\(error)".contains("empty"), "\(error)")
        }
        XCTAssertThrowsError(try BenchConfiguration.parse("- board: virtual\n", path: "b.yml")) { error in
            XCTAssertTrue("\(error)".contains("expected 'key: value' lines, found a list"), "\(error)")
        }
    }

    func testEnvironmentAndResolveSelectABoardOfAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).yml")
        try twoBoards.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let fromEnvironment = try XCTUnwrap(BenchConfiguration.fromEnvironment(
            ["TINYHIL_BENCH": url.path, "TINYHIL_BOARD": "pico-2"]))
        XCTAssertEqual(fromEnvironment.boardID, "pico-2")
        XCTAssertEqual(try BenchConfiguration.fromEnvironment(["TINYHIL_BENCH": url.path])?.boardID, "pico-bench-1")
        XCTAssertEqual(try BenchConfiguration.resolve(url.path, board: "qemu").board, .virtual)
        XCTAssertThrowsError(try BenchConfiguration.resolve("virtual", board: "pico-2")) { error in
            XCTAssertTrue("\(error)".contains("selects a board of a bench file"), "\(error)")
        }
        // An endpoint on the command line is checked like a file's value, with odd characters taken literally.
        XCTAssertEqual(try BenchConfiguration.resolve("tcp://[::1]:4000").board, .tcp(host: "::1", port: 4000))
    }

    /// docs/bench-setup.md stays true: its bench files (the flat one and the one with several boards) load, every
    /// board of them resolves, and the error it quotes for marker_pin is the one the parser gives.
    func testTheBenchFilesInTheDocsLoad() throws {
        let document = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("docs/bench-setup.md"), encoding: .utf8)
        let blocks = document.components(separatedBy: "```yaml\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        XCTAssertEqual(blocks.count, 2, "docs/bench-setup.md: the flat and the several-boards example")
        let flat = try BenchFile.parse(blocks[0], path: "flat")
        XCTAssertTrue(flat.isFlat)
        let host = try BenchFile.parse(blocks[1], path: "/etc/tinyhil/bench.yml")
        XCTAssertEqual(host.boards.map(\.name), ["pico-1", "pico-2", "rehearsal"])
        for entry in host.boards { XCTAssertNoThrow(try host.configuration(board: entry.name)) }
        XCTAssertEqual(try host.configuration(board: nil).boardID, "pico-bench-1")

        let broken = blocks[1].replacingOccurrences(of: "    marker_pin: 1\n", with: "    marker_pin: 9\n")
        XCTAssertThrowsError(try BenchFile.parse(broken, path: "/etc/tinyhil/bench.yml")) { error in
            XCTAssertTrue(document.contains("\(error)"), "docs/bench-setup.md should quote: \(error)")
        }
    }
}
