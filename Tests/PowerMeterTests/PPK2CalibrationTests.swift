import PowerMeter
import XCTest

final class PPK2CalibrationTests: XCTestCase {
    /// A calibration with every term non-trivial in range 2. (GS elsewhere is 1, Nordic's default: a reported
    /// 0 would be replaced by that default, so a kit never effectively has GS = 0.)
    static let calibration = PPK2Calibration(
        resistorsOhms: [1000, 100, 10, 1, 0.05],
        gainSquare: [1, 1, 0.5, 1, 1],
        gainLinear: [1, 1, 1.02, 1, 1],
        offsets: [0, 0, 40, 0, 0],
        supplySlopes: [0, 0, 1e-4, 0, 0],
        currentOffsetsAmperes: [0, 0, -2e-5, 0, 0],
        userGains: [1, 1, 0.99, 1, 1],
        isCalibrated: true, hardwareVersion: "9173", ia: "56")

    func testFormulaAgainstHandCalculation() {
        // Range 2, ADC 10000, Vdd 3.3 V:
        //   A = 40000;  x = (40000 − 40) · (1.8/163840) / 10 = 39960 · 1.0986328125e-5 / 10 = 0.0439013671875
        //   x·(GS·x + GI) = 0.0439013671875 · (0.5 · 0.0439013671875 + 1.02) = 0.04574305954…
        //   + S·Vdd + I = 1e-4 · 3.3 − 2e-5 = 3.1e-4  →  0.04605305954…
        //   · UG 0.99 = 0.0455925289562 A
        let current = Self.calibration.current(adc: 10_000, range: 2, supply: Volts(3.3))
        XCTAssertEqual(current.value, 0.0455925289562, accuracy: 1e-12)

        // Uncalibrated defaults, range 0, ADC 1000: A = 4000, x = 4000 · 1.0986328125e-5 / 1031.64
        //   = 4.259752675e-5; GS = GI = 1: I = x·(x + 1) = 4.259934130e-5 A.
        let uncalibrated = PPK2Calibration.uncalibrated.current(adc: 1000, range: 0, supply: Volts(3.3))
        XCTAssertEqual(uncalibrated.value, 4.259934130e-5, accuracy: 1e-14)
    }

    func testInverseFindsTheCodeOfACurrent() {
        let code = Self.calibration.adc(for: Amperes(0.0455925289562), range: 2, supply: Volts(3.3))
        XCTAssertEqual(code, 10_000)
        XCTAssertNil(PPK2Calibration.uncalibrated.adc(for: .milliamperes(35), range: 0, supply: Volts(3.3)),
                     "35 mA is beyond range 0's full scale (≈ 0.7 mA)")
    }

    func testRegulatorCommandBytes() {
        XCTAssertEqual(PPK2Command.regulatorSet(millivolts: 3300).bytes, [0x0D, 0x0C, 0xE4])
        XCTAssertEqual(PPK2Command.setPowerMode(.sourceMeter).bytes, [0x11, 0x02])
        XCTAssertEqual(PPK2Command.setPowerMode(.ampereMeter).bytes, [0x11, 0x01])
        XCTAssertEqual(PPK2Command.deviceRunningSet(on: true).bytes, [0x0C, 0x01])
        XCTAssertEqual(PPK2Command.deviceRunningSet(on: false).bytes, [0x0C, 0x00])
        XCTAssertEqual(PPK2Command.getMetadata.bytes, [0x19])
        XCTAssertEqual(PPK2Command.averageStart.bytes, [0x06])
        XCTAssertEqual(PPK2Command.averageStop.bytes, [0x07])
    }

    func testParsesMetadataWithDefaultsForMissingAndNaN() throws {
        let text = """
            Calibrated: 1
            R0: 1003.3682
            R1: 101.5
            R2: -nan
            GS0: 0
            GI0: 1.0037
            O0: 112.7
            S3: 0.00012
            I4: -0.0003
            UG1: 1.02
            mode: 2
            HW: 9173
            IA: 56
            END

            """
        let calibration = try PPK2Calibration(metadata: text)
        XCTAssertTrue(calibration.isCalibrated)
        XCTAssertEqual(calibration.resistorsOhms, [1003.3682, 101.5, 10.15, 0.94, 0.043])  // R2 nan → default
        XCTAssertEqual(calibration.gainSquare, [1, 1, 1, 1, 1])  // GS0 = 0 → default 1
        XCTAssertEqual(calibration.gainLinear, [1.0037, 1, 1, 1, 1])
        XCTAssertEqual(calibration.offsets, [112.7, 0, 0, 0, 0])
        XCTAssertEqual(calibration.supplySlopes, [0, 0, 0, 0.00012, 0])
        XCTAssertEqual(calibration.currentOffsetsAmperes, [0, 0, 0, 0, -0.0003])
        XCTAssertEqual(calibration.userGains, [1, 1.02, 1, 1, 1])
        XCTAssertEqual(calibration.hardwareVersion, "9173")
        XCTAssertEqual(calibration.ia, "56")
    }

    func testMetadataRoundTripsThroughItsText() throws {
        XCTAssertEqual(try PPK2Calibration(metadata: Self.calibration.metadataText()), Self.calibration)
    }

    func testMetadataErrorsSayWhere() {
        XCTAssertThrowsError(try PPK2Calibration(metadata: "Calibrated: 1\nR0: 1000\n")) { error in
            guard case PPK2MetadataError.missingEnd = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try PPK2Calibration(metadata: "Calibrated: 1\ngarbage line\nEND\n")) { error in
            XCTAssertEqual(error as? PPK2MetadataError, .malformedLine(line: 2, text: "garbage line"))
        }
        XCTAssertThrowsError(try PPK2Calibration(metadata: "R0: 1000\nGI2: one\nEND")) { error in
            XCTAssertEqual(error as? PPK2MetadataError, .notANumber(line: 2, key: "gi2", text: "one"))
        }
    }
}
