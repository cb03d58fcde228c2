/// The one recording policy, used by the CLI (`measure`, `demo`), `Bench.summarize` and HILTesting's assertions:
/// - a measurement is one `.measurement` row;
/// - a comparison is three rows: each arm as a `.measurement` row (so `history` follows both models) and one
///   `.comparison` row carrying the ratio with its interval;
/// - an accuracy run is one `.accuracy` row.
/// Every row is stamped with the repository commit looked up once per process (`RepositoryRevision.ofThisProcess`).
/// A recorder without a store records nothing (`--no-record`, assertions without `recordingIn:`).
public struct ResultRecorder: Sendable {
    public let store: ResultStore?

    public init(_ store: ResultStore?) { self.store = store }

    public func record(_ measurement: BoardMeasurement) throws(ResultStoreError) {
        try write([measurement.storedResult()])
    }

    public func record(_ comparison: Comparison) throws(ResultStoreError) {
        try write([comparison.baseline.storedResult(), comparison.candidate.storedResult(), comparison.storedResult()])
    }

    public func record(_ run: AccuracyRun) throws(ResultStoreError) {
        try write([run.storedResult()])
    }

    private func write(_ rows: [StoredResult]) throws(ResultStoreError) {
        guard let store else { return }
        for row in rows { try store.record(row) }
    }
}
