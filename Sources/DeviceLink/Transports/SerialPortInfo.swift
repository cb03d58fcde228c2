import CSerialPort

/// A serial port the operating system lists, with its USB identity when it is a USB device.
public struct SerialPortInfo: Equatable, Sendable {
    /// e.g. `/dev/ttyACM0`.
    public var path: String
    public var description: String?
    public var usbVendorID: UInt16?
    public var usbProductID: UInt16?
    public var usbSerialNumber: String?
    public var usbManufacturer: String?
    public var usbProduct: String?

    public init(
        path: String, description: String? = nil, usbVendorID: UInt16? = nil, usbProductID: UInt16? = nil,
        usbSerialNumber: String? = nil, usbManufacturer: String? = nil, usbProduct: String? = nil
    ) {
        self.path = path
        self.description = description
        self.usbVendorID = usbVendorID
        self.usbProductID = usbProductID
        self.usbSerialNumber = usbSerialNumber
        self.usbManufacturer = usbManufacturer
        self.usbProduct = usbProduct
    }

    /// What the USB identity suggests is attached.
    public var likelyKind: SerialPortKind { SerialPortKind(vendorID: usbVendorID, productID: usbProductID) }

    /// Every serial port libserialport finds (empty when there are none).
    public static func all() throws(TransportError) -> [SerialPortInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let status = sp_list_ports(&list)
        guard status == SP_OK, let list else {
            throw .ioFailed(endpoint: "serial ports", operation: "sp_list_ports", errno: Int32(status.rawValue))
        }
        defer { sp_free_port_list(list) }
        var ports: [SerialPortInfo] = []
        var index = 0
        while let port = list[index] {
            index += 1
            ports.append(SerialPortInfo(port: port))
        }
        return ports.sorted { $0.path < $1.path }
    }

    init(port: OpaquePointer) {
        path = String(cString: sp_get_port_name(port))
        description = sp_get_port_description(port).map { String(cString: $0) }
        if sp_get_port_transport(port) == SP_TRANSPORT_USB {
            var vendor: Int32 = 0
            var product: Int32 = 0
            if sp_get_port_usb_vid_pid(port, &vendor, &product) == SP_OK {
                usbVendorID = UInt16(truncatingIfNeeded: vendor)
                usbProductID = UInt16(truncatingIfNeeded: product)
            }
            usbSerialNumber = sp_get_port_usb_serial(port).map { String(cString: $0) }
            usbManufacturer = sp_get_port_usb_manufacturer(port).map { String(cString: $0) }
            usbProduct = sp_get_port_usb_product(port).map { String(cString: $0) }
        }
    }
}

/// A guess from USB vendor and product IDs at what sits behind a serial port.
public enum SerialPortKind: Equatable, Sendable, CustomStringConvertible {
    /// Raspberry Pi (VID 0x2E8A): a Pico running TinyHIL firmware, or its bootloader.
    case raspberryPiBoard
    /// Nordic Power Profiler Kit II (VID 0x1915, PID 0xC00A).
    case nordicPPK2
    /// A USB-UART bridge (FTDI, Silicon Labs CP210x, WCH CH34x, Prolific): possibly a board's console.
    case usbUARTBridge(chip: String)
    /// A debug probe's virtual COM port (SEGGER J-Link, Arm DAPLink).
    case debugProbe(name: String)
    case other

    init(vendorID: UInt16?, productID: UInt16?) {
        switch (vendorID, productID) {
        case (0x2E8A?, _): self = .raspberryPiBoard
        case (0x1915?, 0xC00A?): self = .nordicPPK2
        case (0x0403?, _): self = .usbUARTBridge(chip: "FTDI")
        case (0x10C4?, _): self = .usbUARTBridge(chip: "Silicon Labs CP210x")
        case (0x1A86?, _): self = .usbUARTBridge(chip: "WCH CH34x")
        case (0x067B?, _): self = .usbUARTBridge(chip: "Prolific PL2303")
        case (0x1366?, _): self = .debugProbe(name: "SEGGER J-Link")
        case (0x0D28?, _): self = .debugProbe(name: "Arm DAPLink")
        default: self = .other
        }
    }

    /// True for ports that may be a TinyHIL board.
    public var isLikelyBoard: Bool {
        switch self {
        case .raspberryPiBoard, .usbUARTBridge, .debugProbe: true
        case .nordicPPK2, .other: false
        }
    }

    public var description: String {
        switch self {
        case .raspberryPiBoard: "Raspberry Pi board (likely TinyHIL board)"
        case .nordicPPK2: "Nordic PPK2 power meter"
        case let .usbUARTBridge(chip): "\(chip) USB-UART bridge (possible board)"
        case let .debugProbe(name): "\(name) debug probe UART (possible board)"
        case .other: ""
        }
    }
}
