/// The PPK2 USB-serial commands this driver uses (first byte = opcode).
public enum PPK2Command: Sendable, Equatable {
    /// `0x19`: reply is ASCII `key: value` lines ending with `END`.
    case getMetadata
    /// `0x0D hi lo`: source-meter output voltage in millivolts (800…5000).
    case regulatorSet(millivolts: UInt16)
    /// `0x11 0x01` ampere meter, `0x11 0x02` source meter.
    case setPowerMode(PowerMode)
    /// `0x0C 0x01/0x00`: switch the DUT supply on or off.
    case deviceRunningSet(on: Bool)
    /// `0x06`: start the 100 kS/s sample stream.
    case averageStart
    /// `0x07`: stop the sample stream.
    case averageStop
    /// `0x20`: reset the kit.
    case reset

    public enum PowerMode: UInt8, Sendable, Equatable {
        case ampereMeter = 0x01
        case sourceMeter = 0x02
    }

    public enum Opcode: UInt8 {
        case averageStart = 0x06
        case averageStop = 0x07
        case deviceRunningSet = 0x0C
        case regulatorSet = 0x0D
        case setPowerMode = 0x11
        case getMetadata = 0x19
        case reset = 0x20
        case setUserGains = 0x25

        /// Bytes that follow this opcode in a command.
        public var argumentBytes: Int {
            switch self {
            case .averageStart, .averageStop, .getMetadata, .reset: 0
            case .deviceRunningSet, .setPowerMode: 1
            case .regulatorSet: 2
            case .setUserGains: 5
            }
        }
    }

    public static let minimumMillivolts: UInt16 = 800
    public static let maximumMillivolts: UInt16 = 5000

    /// Wire bytes of the command.
    public var bytes: [UInt8] {
        switch self {
        case .getMetadata: [Opcode.getMetadata.rawValue]
        case let .regulatorSet(mv): [Opcode.regulatorSet.rawValue, UInt8(mv >> 8), UInt8(mv & 0xFF)]
        case let .setPowerMode(mode): [Opcode.setPowerMode.rawValue, mode.rawValue]
        case let .deviceRunningSet(on): [Opcode.deviceRunningSet.rawValue, on ? 1 : 0]
        case .averageStart: [Opcode.averageStart.rawValue]
        case .averageStop: [Opcode.averageStop.rawValue]
        case .reset: [Opcode.reset.rawValue]
        }
    }
}
