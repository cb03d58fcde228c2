/// How much current a Raspberry Pi Pico draws while it infers and while it waits, and how long a window lasts
/// for a given instruction or cycle count. Sources and assumptions: docs/power-model.md.
public struct PicoPowerModel: Sendable, Equatable {
    /// Board power while inferring (default 115 mW: the Pico energy study, energy ÷ latency, 125 MHz, 3.3 V).
    public var busyPower: Watts
    /// Board current between windows (default 20 mA: an assumption, see docs/power-model.md).
    public var idleCurrent: Amperes
    /// Supply voltage into VSYS.
    public var supply: Volts
    /// CPU clock.
    public var clockHertz: Double
    /// M0+ cycles per instruction counted by QEMU `-icount` (default 1.4: an assumption, see the doc).
    public var cyclesPerInstruction: Double

    public init(
        busyPower: Watts = .milliwatts(115), idleCurrent: Amperes = .milliamperes(20), supply: Volts = Volts(3.3),
        clockHertz: Double = 125e6, cyclesPerInstruction: Double = 1.4
    ) {
        self.busyPower = busyPower
        self.idleCurrent = idleCurrent
        self.supply = supply
        self.clockHertz = clockHertz
        self.cyclesPerInstruction = cyclesPerInstruction
    }

    /// The Pico study's figures (the defaults).
    public static let picoStudy = PicoPowerModel()

    /// Current while inferring: busy power ÷ supply (≈ 34.85 mA by default).
    public var busyCurrent: Amperes { busyPower / supply }

    /// Cycles for an instruction count (instructions × cycles per instruction).
    public func cycles(forInstructions instructions: UInt64) -> Double {
        Double(instructions) * cyclesPerInstruction
    }

    /// Wall time of a busy window.
    public func duration(of extent: BusyWindow.Extent) -> Seconds {
        switch extent {
        case let .instructions(count): Seconds(cycles(forInstructions: count) / clockHertz)
        case let .cycles(count): Seconds(Double(count) / clockHertz)
        case let .duration(time): time
        }
    }
}

/// Imperfections the simulated meter adds, each off (zero) by default. All are seeded: same seed, same trace.
public struct SimulatedImperfections: Sendable, Equatable {
    /// Standard deviation of independent Gaussian noise on every sample, relative to its level (0.05 = 5 %).
    public var sampleNoise: Double
    /// Standard deviation of a Gaussian factor on the busy power of each whole window, relative (0.05 = 5 %):
    /// models run-to-run variation, which per-sample noise alone would average away.
    public var windowNoise: Double
    /// Linear drift of every current, relative per second of trace time (0.001 = +0.1 % per second).
    public var driftPerSecond: Double
    /// Probability that a sample carries a spike.
    public var spikeProbability: Double
    /// Height of a spike added to the sample's current.
    public var spikeHeight: Amperes

    public init(sampleNoise: Double = 0, windowNoise: Double = 0, driftPerSecond: Double = 0,
                spikeProbability: Double = 0, spikeHeight: Amperes = .milliamperes(50)) {
        self.sampleNoise = sampleNoise
        self.windowNoise = windowNoise
        self.driftPerSecond = driftPerSecond
        self.spikeProbability = spikeProbability
        self.spikeHeight = spikeHeight
    }

    public static let none = SimulatedImperfections()
}
