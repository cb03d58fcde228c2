import TFLite

/// Turns 8-bit images (0 black ... 255 white) into a model's input tensor.
///
/// Pixels are scaled to [0, 1] as `Float(pixel) / 255` in float32 — how the fixture models (and most
/// MNIST-family TinyML models) were trained — then, for a quantized input, quantized exactly like TFLite Micro's
/// QUANTIZE kernel: `q = round-half-away-from-zero(x / scale) + zero_point` computed in float32, clamped to the
/// type's range. A float32 input receives `x` itself.
public struct InputQuantizer: Sendable {
    public let input: TensorDescription

    /// - Throws: `InferenceError.unsupportedIOType` for input types other than int8, uint8 and float32, and
    ///   `.invalidQuantization` for a quantized input whose scale is not positive.
    public init(input: TensorDescription, inputIndex: Int = 0) throws(InferenceError) {
        switch input.elementType {
        case .int8, .uint8:
            guard input.scale > 0, input.scale.isFinite else {
                throw .invalidQuantization(inputIndex: inputIndex, scale: input.scale)
            }
        case .float32:
            break
        default:
            throw .unsupportedIOType(role: "input", index: inputIndex, type: "\(input.elementType)")
        }
        self.input = input
    }

    /// The value in [0, 1] a pixel stands for.
    @inline(__always)
    static func unitValue(_ pixel: UInt8) -> Float { Float(pixel) / Float(255) }

    /// Quantizes a real value into the input's type (TFLM QUANTIZE arithmetic).
    @inline(__always)
    func quantize(_ x: Float, minimum: Int32, maximum: Int32) -> Int32 {
        let rounded = (x / input.scale).rounded(.toNearestOrAwayFromZero)
        // x is in [0, 1] and scale is positive and finite, so the ratio is finite; clamp it into Int64 range.
        let clampedReal = min(max(rounded, -1e9), 1e9)
        let shifted = Int64(clampedReal) + Int64(input.zeroPoint)
        return Int32(min(max(shifted, Int64(minimum)), Int64(maximum)))
    }

    /// Appends the encoding of one image's pixels to `buffer` (`input.bytes` bytes).
    public func append<Pixels: Collection<UInt8>>(_ pixels: Pixels, to buffer: inout [UInt8]) {
        switch input.elementType {
        case .int8:
            for pixel in pixels {
                buffer.append(UInt8(bitPattern: Int8(quantize(Self.unitValue(pixel), minimum: -128, maximum: 127))))
            }
        case .uint8:
            for pixel in pixels { buffer.append(UInt8(quantize(Self.unitValue(pixel), minimum: 0, maximum: 255))) }
        default:
            for pixel in pixels { Self.unitValue(pixel).appendLittleEndian(to: &buffer) }
        }
    }

    /// All images of a dataset as one batch array `[count] + input shape without its batch dimension`.
    /// - Throws: `InferenceError.inputMismatch` when an image does not have as many pixels as the input elements.
    public func batch(_ dataset: LabelledImages) throws(InferenceError) -> NumPyArray {
        guard dataset.bytesPerImage == input.elementCount, let type = input.numPyElementType else {
            throw .inputMismatch(inputIndex: 0, expected: "\(input.elementCount) elements (\(input))",
                                 actual: "\(dataset.height)×\(dataset.width)×\(dataset.channels) images")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(dataset.count * input.bytes)
        for index in 0..<dataset.count { append(dataset.image(index), to: &bytes) }
        do {
            return try NumPyArray(elementType: type, shape: [dataset.count] + input.sampleShape, bytes: bytes)
        } catch {
            throw .inputMismatch(inputIndex: 0, expected: "\(input)", actual: "\(error)")
        }
    }
}
