import Inference

/// A labelled test set in a model's input encoding.
public struct LabelledInputs: Sendable {
    public var name: String
    /// `[samples] + input shape`, in the model's input type.
    public var inputs: NumPyArray
    public var labels: [UInt8]

    public init(name: String, inputs: NumPyArray, labels: [UInt8]) {
        self.name = name
        self.inputs = inputs
        self.labels = labels
    }

    /// The first `limit` images of Fashion-MNIST's test split (Debian's dataset-fashion-mnist), encoded for `model`'s
    /// input as TFLite Micro's QUANTIZE would encode pixel/255.
    public static func fashionMNIST(limit: Int, for model: ModelUnderTest) throws -> LabelledInputs {
        let dataset = try FashionMNIST.load(.test).prefix(limit)
        let engine = try EngineModel(bytes: model.bytes)
        let inputs = try InputQuantizer(input: engine.input(0)).batch(dataset)
        return LabelledInputs(name: "fashion-mnist test[0..<\(dataset.count)]", inputs: inputs, labels: dataset.labels)
    }
}

