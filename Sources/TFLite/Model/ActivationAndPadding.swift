/// Padding of convolutions and pools (schema enum `Padding`).
public enum Padding: Sendable, Hashable {
    case same, valid
    /// A value this version does not know, kept as is.
    case unknown(Int8)

    public init(rawValue: Int8) {
        switch rawValue {
        case 0: self = .same
        case 1: self = .valid
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: Int8 {
        switch self {
        case .same: 0
        case .valid: 1
        case .unknown(let value): value
        }
    }
}

/// Fused activation of an operator (schema enum `ActivationFunctionType`).
public enum ActivationFunction: Sendable, Hashable {
    case none, relu, reluN1To1, relu6, tanh, signBit
    /// A value this version does not know, kept as is.
    case unknown(Int8)

    public init(rawValue: Int8) {
        switch rawValue {
        case 0: self = .none
        case 1: self = .relu
        case 2: self = .reluN1To1
        case 3: self = .relu6
        case 4: self = .tanh
        case 5: self = .signBit
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: Int8 {
        switch self {
        case .none: 0
        case .relu: 1
        case .reluN1To1: 2
        case .relu6: 3
        case .tanh: 4
        case .signBit: 5
        case .unknown(let value): value
        }
    }
}
