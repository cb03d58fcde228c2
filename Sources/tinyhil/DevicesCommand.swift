import ArgumentParser
import DeviceLink

/// `tinyhil devices`: the serial ports this machine has, with USB identity, marking likely boards.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List serial ports with USB vendor/product IDs and serial numbers, marking likely boards.",
        discussion: "Use a board's serial number as --bench serial:SERIALNUMBER: it survives USB re-enumeration, tty paths do not."
    )

    @Flag(name: .long, help: "Only ports that look like a board or a power meter.")
    var likelyOnly = false

    func run() throws {
        let ports: [SerialPortInfo]
        do { ports = try SerialPortInfo.all() } catch { throw ValidationError(error.description) }
        let shown = likelyOnly ? ports.filter { $0.likelyKind != .other } : ports
        if shown.isEmpty {
            print("no serial ports found\(likelyOnly ? " that look like a board" : ""). The virtual board is always available as --bench virtual.")
            return
        }
        for port in shown {
            var fields = [port.path]
            if let vendor = port.usbVendorID, let product = port.usbProductID {
                fields.append("VID:PID \(hex(vendor)):\(hex(product))")
            }
            if let serial = port.usbSerialNumber { fields.append("serial \(serial)") }
            let product = [port.usbManufacturer, port.usbProduct].compactMap { $0 }.joined(separator: " ")
            if !product.isEmpty { fields.append("\"\(product)\"") } else if let description = port.description { fields.append("\"\(description)\"") }
            let kind = port.likelyKind
            if kind != .other { fields.append("← \(kind)") }
            print(fields.joined(separator: "  "))
        }
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
