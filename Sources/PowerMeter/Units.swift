/// A physical quantity stored as a `Double` in its SI base unit. Each conforming type names its unit, so a
/// value's unit is never a guess: `Amperes(0.035)`, `Joules.microjoules(12.5)`, `Seconds.microseconds(10)`.
public protocol Quantity: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The value in the type's SI unit (amperes, volts, watts, joules, seconds, or a plain ratio).
    var value: Double { get }
    init(_ value: Double)
    /// Unit symbol used by `description`.
    static var symbol: String { get }
}

extension Quantity {
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
    public static func - (lhs: Self, rhs: Self) -> Self { Self(lhs.value - rhs.value) }
    public static func * (lhs: Self, rhs: Double) -> Self { Self(lhs.value * rhs) }
    public static func * (lhs: Double, rhs: Self) -> Self { Self(lhs * rhs.value) }
    public static func / (lhs: Self, rhs: Double) -> Self { Self(lhs.value / rhs) }
    /// Dimensionless quotient of two values of the same quantity.
    public static func / (lhs: Self, rhs: Self) -> Double { lhs.value / rhs.value }
    public static var zero: Self { Self(0) }
    public var description: String { "\(value) \(Self.symbol)" }
}

/// Electric current.
public struct Amperes: Quantity {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static let symbol = "A"
    public static func milliamperes(_ value: Double) -> Amperes { Amperes(value * 1e-3) }
    public static func microamperes(_ value: Double) -> Amperes { Amperes(value * 1e-6) }
    public var milliamperes: Double { value * 1e3 }
    public var microamperes: Double { value * 1e6 }
}

/// Electric potential.
public struct Volts: Quantity {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static let symbol = "V"
    public static func millivolts(_ value: Double) -> Volts { Volts(value * 1e-3) }
    public var millivolts: Double { value * 1e3 }
}

/// Power.
public struct Watts: Quantity {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static let symbol = "W"
    public static func milliwatts(_ value: Double) -> Watts { Watts(value * 1e-3) }
    public var milliwatts: Double { value * 1e3 }
}

/// Energy.
public struct Joules: Quantity {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static let symbol = "J"
    public static func millijoules(_ value: Double) -> Joules { Joules(value * 1e-3) }
    public static func microjoules(_ value: Double) -> Joules { Joules(value * 1e-6) }
    public var millijoules: Double { value * 1e3 }
    public var microjoules: Double { value * 1e6 }
}

/// A span of time (a `Double` in seconds, unlike `Swift.Duration`, so it takes part in arithmetic with the
/// other quantities).
public struct Seconds: Quantity {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static let symbol = "s"
    public static func milliseconds(_ value: Double) -> Seconds { Seconds(value * 1e-3) }
    public static func microseconds(_ value: Double) -> Seconds { Seconds(value * 1e-6) }
    public var milliseconds: Double { value * 1e3 }
    public var microseconds: Double { value * 1e6 }
}

/// A dimensionless ratio, e.g. candidate energy ÷ baseline energy.
public struct Ratio: Quantity {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static let symbol = ""
    public var description: String { "\(value)" }
}

public func * (voltage: Volts, current: Amperes) -> Watts { Watts(voltage.value * current.value) }
public func * (current: Amperes, voltage: Volts) -> Watts { Watts(voltage.value * current.value) }
public func * (power: Watts, time: Seconds) -> Joules { Joules(power.value * time.value) }
public func * (time: Seconds, power: Watts) -> Joules { Joules(power.value * time.value) }
public func / (power: Watts, voltage: Volts) -> Amperes { Amperes(power.value / voltage.value) }
public func / (energy: Joules, time: Seconds) -> Watts { Watts(energy.value / time.value) }
