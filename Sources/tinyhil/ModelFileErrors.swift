import ArgumentParser
import Foundation
import TFLite

/// Runs a command's work on one model file and turns what goes wrong into `error: MODEL: …` on stderr and a failing
/// exit: the model's own error (malformed, unsupported) as TinyHIL states it, anything else (a missing file, an
/// unwritable output) by its description.
func reportingErrors(of model: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ModelError {
        FileHandle.standardError.write(Data("error: \(model): \(error)\n".utf8))
        throw ExitCode.failure
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(model): \(error.localizedDescription)\n".utf8))
        throw ExitCode.failure
    }
}
