import ArgumentParser
import Bench
import Foundation

/// Hidden: records synthetic results one transaction at a time, printing each committed id. The result-store
/// test kills this process mid-run to show that committed results survive.
struct StoreWriter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_store-writer", abstract: "Test support: write synthetic results.", shouldDisplay: false)

    @Option(help: "The result store: a SQLite path or a postgres:// URL.") var store: String
    @Option(help: "How many results to write.") var count: Int = 1000

    func run() throws {
        let resultStore = try ResultStore(path: store)
        for index in 0..<count {
            let result = try resultStore.record(StoredResult(
                kind: .measurement, modelName: "synthetic-\(index % 7)", modelSHA256: String(index),
                boardID: "none", meterID: "none", firmwareVersion: "0", firmwareBuildID: "0",
                harnessVersion: HarnessVersion.current, energyMicrojoulesMedian: Double(index),
                windowEnergiesMicrojoules: [Double(index)]))
            FileHandle.standardOutput.write(Data("\(result.id ?? -1)\n".utf8))  // unbuffered: the test reads it live
        }
    }
}
