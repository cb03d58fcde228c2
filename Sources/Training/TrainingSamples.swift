import Inference

/// Inputs (and optionally integer labels) to train, validate or calibrate on, kept in their compact form (8-bit
/// pixels stay bytes) and turned into float32 one batch at a time, so memory follows the batch, not the dataset.
public struct TrainingSamples: Sendable {
    enum Storage: Sendable {
        /// `pixel / 255` (how the fixture models were trained).
        case pixels([UInt8])
        case floats([Float])
        /// Quantized inputs: `(q − zeroPoint) · scale`.
        case int8([Int8], scale: Float, zeroPoint: Int32)
        case uint8([UInt8], scale: Float, zeroPoint: Int32)
    }

    let storage: Storage
    public let count: Int
    public let sampleElements: Int
    public let labels: [Int32]?
    public let name: String

    init(storage: Storage, count: Int, sampleElements: Int, labels: [Int32]?, name: String) {
        self.storage = storage
        self.count = count
        self.sampleElements = sampleElements
        self.labels = labels
        self.name = name
    }

    /// Images as `pixel / 255` in float32, with their labels.
    public init(images: LabelledImages, withLabels: Bool = true) {
        self.init(storage: .pixels(images.pixels), count: images.count, sampleElements: images.bytesPerImage,
                  labels: withLabels ? images.labels.map { Int32($0) } : nil, name: images.name)
    }

    /// Inputs from a NumPy array whose first dimension is the sample: float32 as is, int8/uint8 dequantized with
    /// `quantization` (the model input's scale and zero point; required for integer inputs), and labels from
    /// an integer array with one value per sample.
    public init(inputs: NumPyArray, labels: NumPyArray? = nil, quantization: (scale: Float, zeroPoint: Int32)? = nil,
                name: String = "inputs") throws(TrainingError) {
        guard let samples = inputs.shape.first, samples > 0 else { throw .emptyData(name) }
        let elements = inputs.shape.dropFirst().reduce(1, *)
        let storage: Storage
        do {
            switch inputs.elementType {
            case .float32: storage = .floats(try inputs.values(as: Float.self))
            case .int8, .uint8:
                guard let quantization else {
                    throw TrainingError.invalidOption("\(name): integer inputs need the model input's quantization (a quantized model) to become float32; give float32 inputs")
                }
                storage = inputs.elementType == .int8
                    ? .int8(try inputs.values(as: Int8.self), scale: quantization.scale, zeroPoint: quantization.zeroPoint)
                    : .uint8(inputs.bytes, scale: quantization.scale, zeroPoint: quantization.zeroPoint)
            case .int32:
                throw TrainingError.invalidOption("\(name): int32 inputs are not supported; give float32, int8 or uint8")
            }
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .invalidOption("\(name): \(error)")
        }
        var labelValues: [Int32]?
        if let labels {
            do {
                switch labels.elementType {
                case .uint8: labelValues = labels.bytes.map { Int32($0) }
                case .int8: labelValues = try labels.values(as: Int8.self).map { Int32($0) }
                case .int32: labelValues = try labels.values(as: Int32.self)
                case .float32: throw TrainingError.invalidOption("labels must be integers (uint8, int8 or int32), not float32")
                }
            } catch let error as TrainingError {
                throw error
            } catch {
                throw .invalidOption("labels: \(error)")
            }
            guard labelValues!.count == samples else { throw .labelCountMismatch(inputs: samples, labels: labelValues!.count) }
        }
        self.init(storage: storage, count: samples, sampleElements: elements, labels: labelValues, name: name)
    }

    /// Samples `range` (for a held-out validation part).
    public func subset(_ range: Range<Int>) -> TrainingSamples {
        let lower = max(0, min(range.lowerBound, count)), upper = max(lower, min(range.upperBound, count))
        let elements = (lower * sampleElements)..<(upper * sampleElements)
        let part: Storage
        switch storage {
        case .pixels(let p): part = .pixels(Array(p[elements]))
        case .floats(let f): part = .floats(Array(f[elements]))
        case .int8(let v, let s, let z): part = .int8(Array(v[elements]), scale: s, zeroPoint: z)
        case .uint8(let v, let s, let z): part = .uint8(Array(v[elements]), scale: s, zeroPoint: z)
        }
        return TrainingSamples(storage: part, count: upper - lower, sampleElements: sampleElements,
                               labels: labels.map { Array($0[lower..<upper]) }, name: "\(name)[\(lower)..<\(upper)]")
    }

    /// The same inputs without labels (distillation only).
    public func withoutLabels() -> TrainingSamples {
        TrainingSamples(storage: storage, count: count, sampleElements: sampleElements, labels: nil, name: name)
    }

    /// Writes samples `indices` as float32, one after another.
    func fill<Indices: Collection<Int>>(_ indices: Indices, into destination: UnsafeMutablePointer<Float>) {
        let e = sampleElements
        for (slot, sample) in indices.enumerated() {
            let out = destination + slot * e, start = sample * e
            switch storage {
            case .pixels(let pixels):
                pixels.withUnsafeBufferPointer { p in for i in 0..<e { out[i] = Float(p[start + i]) / Float(255) } }
            case .floats(let floats):
                floats.withUnsafeBufferPointer { f in out.update(from: f.baseAddress! + start, count: e) }
            case .int8(let values, let scale, let zero):
                values.withUnsafeBufferPointer { v in for i in 0..<e { out[i] = Float(Int32(v[start + i]) - zero) * scale } }
            case .uint8(let values, let scale, let zero):
                values.withUnsafeBufferPointer { v in for i in 0..<e { out[i] = Float(Int32(v[start + i]) - zero) * scale } }
            }
        }
    }
}
