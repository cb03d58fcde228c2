/// The serial line a RFC 2217 server (ser2net) sets on its port: speed and character framing.
public struct SerialLineSettings: Equatable, Sendable {
    public enum Parity: UInt8, Sendable, CaseIterable {
        // RFC 2217 SET-PARITY values.
        case none = 1, odd = 2, even = 3, mark = 4, space = 5
    }

    public enum StopBits: UInt8, Sendable, CaseIterable {
        // RFC 2217 SET-STOPSIZE values.
        case one = 1, two = 2, onePointFive = 3
    }

    public var baudRateBitsPerSecond: UInt32
    /// 5 to 8.
    public var dataBits: UInt8
    public var parity: Parity
    public var stopBits: StopBits

    public init(baudRateBitsPerSecond: UInt32 = 115_200, dataBits: UInt8 = 8, parity: Parity = .none, stopBits: StopBits = .one) {
        self.baudRateBitsPerSecond = baudRateBitsPerSecond
        self.dataBits = dataBits
        self.parity = parity
        self.stopBits = stopBits
    }

    /// 115200 8N1, what the TinyHIL firmware and the PPK2 use.
    public static let standard = SerialLineSettings()
}

/// Which buffers PURGE-DATA empties on the server's serial port.
public enum SerialPurgeTarget: UInt8, Sendable {
    /// Bytes received from the device and not yet sent to us.
    case receive = 1
    /// Bytes from us not yet sent to the device.
    case transmit = 2
    case both = 3
}

/// RFC 2217 COM-PORT-OPTION subcommand codes (client to server; the server answers with code + 100).
enum ComPortCommand: UInt8, Sendable {
    case setBaudRate = 1
    case setDataSize = 2
    case setParity = 3
    case setStopSize = 4
    case setControl = 5
    case notifyLineState = 6
    case notifyModemState = 7
    case purgeData = 12

    static let serverOffset: UInt8 = 100

    var name: String {
        switch self {
        case .setBaudRate: "SET-BAUDRATE"
        case .setDataSize: "SET-DATASIZE"
        case .setParity: "SET-PARITY"
        case .setStopSize: "SET-STOPSIZE"
        case .setControl: "SET-CONTROL"
        case .notifyLineState: "NOTIFY-LINESTATE"
        case .notifyModemState: "NOTIFY-MODEMSTATE"
        case .purgeData: "PURGE-DATA"
        }
    }
}

/// RFC 2217 SET-CONTROL values used here.
enum ComPortControl {
    static let noFlowControl: UInt8 = 1
    static let dtrOn: UInt8 = 8
    static let dtrOff: UInt8 = 9
    static let rtsOn: UInt8 = 11
    static let rtsOff: UInt8 = 12
}
