import TFLite

extension TrainingGraph {
    /// True when every activation tensor of the source model is float32 (a float model, which
    /// ``floatModel()`` can write back; an int8 model goes through ``PostTrainingQuantizer``).
    public var isFloatModel: Bool {
        guard let subgraph = model.subgraphs.first else { return false }
        return subgraph.tensors.enumerated().allSatisfy { index, tensor in
            tensors[index].isConstant || tensor.type == .float32
        }
    }

    /// The source model with the trained parameters written back as float32 (weights that were int8 become
    /// float32 tensors without quantization). Throws unless ``isFloatModel``.
    public func floatModel() throws(TrainingError) -> Model {
        guard isFloatModel else {
            throw .invalidOption("the model's activations are quantized; quantize the trained graph (PostTrainingQuantizer) instead of writing float weights")
        }
        var result = model
        for parameter in parameters {
            result.subgraphs[0].tensors[parameter.tensorIndex].type = .float32
            result.subgraphs[0].tensors[parameter.tensorIndex].quantization = nil
            do {
                try result.setConstantData(Buffer(floats: parameter.values).data, ofTensor: parameter.tensorIndex)
            } catch {
                throw .model(error as? ModelError ?? ModelError(.invalidValue, problem: "\(error)"))
            }
        }
        return result
    }
}
