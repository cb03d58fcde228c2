import Inference

extension ValidationSet {
    /// The last `count` images of Fashion-MNIST's *training* split (Debian's dataset-fashion-mnist), encoded for
    /// `model`'s input 0 as TFLite Micro's QUANTIZE would encode pixel/255. Never the test split, so a search that
    /// maximises this accuracy does not tune on the data the model is finally judged on.
    public static func fashionMNISTValidation(count: Int, for model: EngineModel) throws -> ValidationSet {
        let train = try FashionMNIST.load(.train)
        let take = max(1, min(count, train.count))
        let start = train.count - take
        let held = try LabelledImages(
            name: "fashion-mnist train[\(start)..<\(train.count)]", height: train.height, width: train.width,
            channels: train.channels, classNames: train.classNames,
            pixels: Array(train.pixels[(start * train.bytesPerImage)...]), labels: Array(train.labels[start...]))
        let inputs = try InputQuantizer(input: model.input(0)).batch(held)
        return ValidationSet(inputs: inputs, labels: held.labels.map { Int($0) })
    }
}
