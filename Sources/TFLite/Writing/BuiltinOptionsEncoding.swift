extension FlatBufferBuilder {
    /// Writes the options table of an operator (nil for `.none`).
    mutating func writeBuiltinOptions(_ options: BuiltinOptions) throws -> FlatOffset? {
        let location = "Operator.builtin_options"
        func int32(_ value: Int, _ field: String) throws -> Int32 { try narrow(value, "\(location).\(field)") }
        switch options {
        case .none:
            return nil
        case .conv2D(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(1, try int32(o.strideWidth, "stride_w"))
            add(2, try int32(o.strideHeight, "stride_h"))
            if o.dilationWidthFactor != 1 { add(4, try int32(o.dilationWidthFactor, "dilation_w_factor")) }
            if o.dilationHeightFactor != 1 { add(5, try int32(o.dilationHeightFactor, "dilation_h_factor")) }
            add(0, o.padding.rawValue)
            add(3, o.fusedActivation.rawValue)
            if o.quantizedBiasType.rawValue != 0 { add(6, o.quantizedBiasType.rawValue) }
            return endTable()
        case .depthwiseConv2D(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(1, try int32(o.strideWidth, "stride_w"))
            add(2, try int32(o.strideHeight, "stride_h"))
            add(3, try int32(o.depthMultiplier, "depth_multiplier"))
            if o.dilationWidthFactor != 1 { add(5, try int32(o.dilationWidthFactor, "dilation_w_factor")) }
            if o.dilationHeightFactor != 1 { add(6, try int32(o.dilationHeightFactor, "dilation_h_factor")) }
            add(0, o.padding.rawValue)
            add(4, o.fusedActivation.rawValue)
            return endTable()
        case .pool2D(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(1, try int32(o.strideWidth, "stride_w"))
            add(2, try int32(o.strideHeight, "stride_h"))
            add(3, try int32(o.filterWidth, "filter_width"))
            add(4, try int32(o.filterHeight, "filter_height"))
            add(0, o.padding.rawValue)
            add(5, o.fusedActivation.rawValue)
            return endTable()
        case .fullyConnected(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(0, o.fusedActivation.rawValue)
            if o.weightsFormat != 0 { add(1, o.weightsFormat) }
            if o.keepNumDims { add(2, true) }
            if o.asymmetricQuantizeInputs { add(3, true) }
            if o.quantizedBiasType.rawValue != 0 { add(4, o.quantizedBiasType.rawValue) }
            return endTable()
        case .softmax(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(0, o.beta)
            return endTable()
        case .concatenation(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(0, try int32(o.axis, "axis"))
            add(1, o.fusedActivation.rawValue)
            return endTable()
        case .add(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(0, o.fusedActivation.rawValue)
            if !o.potScaleInt16 { add(1, false) }
            return endTable()
        case .reshape(let o):
            let newShape = try o.newShape.map { vector(try int32s($0, "\(location).new_shape")) }
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            if let newShape { add(0, newShape) }
            return endTable()
        case .mul(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            add(0, o.fusedActivation.rawValue)
            return endTable()
        case .reducer(let o):
            let preserved = try writeChildren(of: o.preservedFields, location: location)
            startTable()
            add(preserved)
            if o.keepDims { add(0, true) }
            return endTable()
        case .pad(let o), .dequantize(let o), .quantize(let o):
            return try writeFlatTable(o.preservedFields, location: location)
        case .other(let union):
            return try writeFlatTable(union.table, location: location)
        }
    }
}
