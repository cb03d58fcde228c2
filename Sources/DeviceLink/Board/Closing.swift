/// Runs `body`, then runs `close` however `body` ended (result, error or cancellation): the one close-on-every-path
/// block of the package (boards, benches and emulators use it for their scoped `with…` forms).
package func closing<Result>(_ close: () async -> Void, _ body: () async throws -> Result) async throws -> Result {
    let result: Result
    do { result = try await body() } catch {
        await close()
        throw error
    }
    await close()
    return result
}

/// Runs `body` and runs `close` only when `body` fails: for opening something in steps, where a failed step must
/// not leave the part already opened behind. The error is `body`'s, unchanged (typed throws pass through).
package func closingOnFailure<Result, Failure: Error>(
    _ close: () async -> Void, _ body: () async throws(Failure) -> Result
) async throws(Failure) -> Result {
    do {
        return try await body()
    } catch {
        await close()
        throw error
    }
}
