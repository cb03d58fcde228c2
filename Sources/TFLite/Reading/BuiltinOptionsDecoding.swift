extension ModelDecoder {
    /// Decodes `builtin_options` (slots 3 and 4 of Operator): typed where TinyHIL has a struct, otherwise
    /// schema-decoded into a ``FlatUnion``.
    static func decodeBuiltinOptions(_ op: TableView) throws -> BuiltinOptions {
        let type: UInt8 = try op.scalar(3, "builtin_options_type", default: 0)
        guard type != 0 else { return .none }
        let member = SchemaCatalog.unionMember("BuiltinOptions", type: type) ?? "BuiltinOptions#\(type)"
        guard let table = try op.table(4, "builtin_options", name: member) else {
            return .other(FlatUnion(type: type, table: FlatTable()))
        }
        return try within("Operator.builtin_options") { try decodeOptions(type: type, table) }
    }

    private static func int(_ table: TableView, _ slot: Int, _ field: String, default value: Int32 = 0) throws -> Int {
        Int(try table.scalar(slot, field, default: value))
    }

    private static func activation(_ table: TableView, _ slot: Int) throws -> ActivationFunction {
        ActivationFunction(rawValue: try table.scalar(slot, "fused_activation_function", default: Int8(0)))
    }

    private static func padding(_ table: TableView) throws -> Padding {
        Padding(rawValue: try table.scalar(0, "padding", default: Int8(0)))
    }

    private static func decodeOptions(type: UInt8, _ table: TableView) throws -> BuiltinOptions {
        switch type {
        case 1:
            return .conv2D(Conv2DOptions(
                padding: try padding(table), strideWidth: try int(table, 1, "stride_w"),
                strideHeight: try int(table, 2, "stride_h"), fusedActivation: try activation(table, 3),
                dilationWidthFactor: try int(table, 4, "dilation_w_factor", default: 1),
                dilationHeightFactor: try int(table, 5, "dilation_h_factor", default: 1),
                quantizedBiasType: TensorType(try table.scalar(6, "quantized_bias_type", default: Int8(0))),
                preservedFields: try table.preservedFields(excluding: 0x7F)))
        case 2:
            return .depthwiseConv2D(DepthwiseConv2DOptions(
                padding: try padding(table), strideWidth: try int(table, 1, "stride_w"),
                strideHeight: try int(table, 2, "stride_h"), depthMultiplier: try int(table, 3, "depth_multiplier"),
                fusedActivation: try activation(table, 4),
                dilationWidthFactor: try int(table, 5, "dilation_w_factor", default: 1),
                dilationHeightFactor: try int(table, 6, "dilation_h_factor", default: 1),
                preservedFields: try table.preservedFields(excluding: 0x7F)))
        case 5:
            return .pool2D(Pool2DOptions(
                padding: try padding(table), strideWidth: try int(table, 1, "stride_w"),
                strideHeight: try int(table, 2, "stride_h"), filterWidth: try int(table, 3, "filter_width"),
                filterHeight: try int(table, 4, "filter_height"), fusedActivation: try activation(table, 5),
                preservedFields: try table.preservedFields(excluding: 0x3F)))
        case 8:
            return .fullyConnected(FullyConnectedOptions(
                fusedActivation: try activation(table, 0),
                weightsFormat: try table.scalar(1, "weights_format", default: Int8(0)),
                keepNumDims: try table.bool(2, "keep_num_dims", default: false),
                asymmetricQuantizeInputs: try table.bool(3, "asymmetric_quantize_inputs", default: false),
                quantizedBiasType: TensorType(try table.scalar(4, "quantized_bias_type", default: Int8(0))),
                preservedFields: try table.preservedFields(excluding: 0x1F)))
        case 9:
            return .softmax(SoftmaxOptions(beta: try table.float(0, "beta", default: 0),
                                           preservedFields: try table.preservedFields(excluding: 0x1)))
        case 10:
            return .concatenation(ConcatenationOptions(
                axis: try int(table, 0, "axis"), fusedActivation: try activation(table, 1),
                preservedFields: try table.preservedFields(excluding: 0x3)))
        case 11:
            return .add(AddOptions(
                fusedActivation: try activation(table, 0),
                potScaleInt16: try table.bool(1, "pot_scale_int16", default: true),
                preservedFields: try table.preservedFields(excluding: 0x3)))
        case 17:
            return .reshape(ReshapeOptions(
                newShape: try intVector(table, 0, "new_shape"),
                preservedFields: try table.preservedFields(excluding: 0x1)))
        case 21:
            return .mul(MulOptions(fusedActivation: try activation(table, 0),
                                   preservedFields: try table.preservedFields(excluding: 0x1)))
        case 22:
            return .pad(EmptyOptions(preservedFields: try table.preservedFields()))
        case 27:
            return .reducer(ReducerOptions(keepDims: try table.bool(0, "keep_dims", default: false),
                                           preservedFields: try table.preservedFields(excluding: 0x1)))
        case 38:
            return .dequantize(EmptyOptions(preservedFields: try table.preservedFields()))
        case 89:
            return .quantize(EmptyOptions(preservedFields: try table.preservedFields()))
        default:
            return .other(FlatUnion(type: type, table: try table.preservedFields(depth: 1)))
        }
    }
}
