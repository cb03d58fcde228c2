import CEngine
import TFLite

/// Conversion of the engine's C error record into `InferenceError`.
extension InferenceError {
    init(status: th_status, error: th_error) {
        let code = error.builtin_code
        let location = EngineFaultLocation(
            operatorIndex: error.op_index >= 0 ? Int(error.op_index) : nil,
            builtinOperator: code >= 0 ? BuiltinOperator(code) : nil,
            operatorName: code >= 0 ? String(cString: th_builtin_name(code)) : nil,
            tensorIndex: error.tensor_index >= 0 ? Int(error.tensor_index) : nil,
            check: error.what.map { String(cString: $0) } ?? String(cString: th_status_name(status))
        )
        switch status {
        case TH_ERR_MODEL_MALFORMED: self = .modelMalformed(location)
        case TH_ERR_UNSUPPORTED_OPERATOR: self = .unsupportedOperator(location)
        case TH_ERR_UNSUPPORTED_TYPE: self = .unsupportedTensorType(location)
        case TH_ERR_ARENA_TOO_SMALL:
            self = .arenaTooSmall(bytesNeeded: Int(error.bytes_needed), bytesAvailable: Int(error.bytes_available))
        case TH_ERR_BAD_ARGUMENT: self = .badArgument(location)
        case TH_ERR_SHAPE_MISMATCH: self = .shapeMismatch(location)
        case TH_ERR_LIMIT_EXCEEDED:
            self = .limitExceeded(location, bytesNeeded: Int(error.bytes_needed),
                                  bytesAvailable: Int(error.bytes_available))
        default: self = .engineStatus(code: Int(status.rawValue), location)
        }
    }
}

/// Calls an engine function that reports through `th_error`, turning failure into `InferenceError`.
func checkEngine(_ call: (UnsafeMutablePointer<th_error>) -> th_status) throws(InferenceError) {
    var error = th_error()
    let status = call(&error)
    if status != TH_OK { throw InferenceError(status: status, error: error) }
}
