import Foundation

/// How one model's per-operator profile moved across firmware builds on one kind of board: the counterpart of
/// ``FirmwareHistory`` for `tinyhil profile` results, so a kernel change that made one operator slower shows up
/// by name even when the whole inference barely moved.
public struct ProfileHistory: Sendable, Equatable {
    /// The latest profile recorded with one firmware build.
    public struct Entry: Sendable, Equatable {
        public var firmwareVersion: String
        public var firmwareBuildID: String
        public var recordedAt: Date
        public var totalCounter: Int64
        public var operators: [StoredProfile.Operator]
        /// Relative change of `totalCounter` from the previous build (-0.1 = 10 % fewer), nil for the first.
        public var totalChange: Double?
    }

    /// One operator's counter in two consecutive builds.
    public struct OperatorChange: Sendable, Equatable {
        public var index: Int
        public var name: String
        public var previous: Int64
        public var current: Int64
        /// (current − previous) / previous; nil when `previous` is 0.
        public var change: Double? { previous == 0 ? nil : Double(current - previous) / Double(previous) }
    }

    public var modelName: String
    public var boardID: String
    /// "cycles", "instructions" or "microseconds": builds are only compared within one unit.
    public var counterUnit: String
    public var entries: [Entry]

    /// Every (model, board, unit) history from the store, or one model's when `model` is given.
    public static func load(from store: ResultStore, model: String? = nil) throws(ResultStoreError) -> [ProfileHistory] {
        histories(of: try store.profiles(model: model))
    }

    /// Groups profiles (any order) by model, board and counter unit; within a group, one entry per firmware build
    /// (its latest profile), ordered by when the build was first profiled.
    public static func histories(of profiles: [StoredProfile]) -> [ProfileHistory] {
        struct Key: Hashable, Comparable {
            var model, board, unit: String
            static func < (a: Key, b: Key) -> Bool { (a.model, a.board, a.unit) < (b.model, b.board, b.unit) }
        }
        let groups = Dictionary(grouping: profiles) { Key(model: $0.modelName, board: $0.boardID, unit: $0.counterUnit) }
        return groups.keys.sorted().map { key in
            let ordered = groups[key, default: []].sorted { ($0.recordedAt, $0.id ?? 0) < ($1.recordedAt, $1.id ?? 0) }
            var buildOrder: [String] = []
            var latest: [String: StoredProfile] = [:]
            for profile in ordered {
                let build = profile.firmwareVersion + "\u{0}" + profile.firmwareBuildID
                if latest[build] == nil { buildOrder.append(build) }
                latest[build] = profile
            }
            var entries: [Entry] = []
            for build in buildOrder {
                guard let profile = latest[build] else { continue }
                let previous = entries.last?.totalCounter
                entries.append(Entry(
                    firmwareVersion: profile.firmwareVersion, firmwareBuildID: profile.firmwareBuildID,
                    recordedAt: profile.recordedAt, totalCounter: profile.totalCounter, operators: profile.operators,
                    totalChange: previous.flatMap { $0 == 0 ? nil : Double(profile.totalCounter - $0) / Double($0) }))
            }
            return ProfileHistory(modelName: key.model, boardID: key.board, counterUnit: key.unit, entries: entries)
        }
    }

    /// Per operator, the last two builds' counters, largest absolute change first. Empty with fewer than two builds
    /// or when the two profiles list different operators (the model's graph changed, not the firmware).
    public var lastOperatorChanges: [OperatorChange] {
        guard entries.count >= 2 else { return [] }
        let previous = entries[entries.count - 2].operators, current = entries[entries.count - 1].operators
        guard previous.map({ "\($0.index) \($0.name)" }) == current.map({ "\($0.index) \($0.name)" }) else { return [] }
        return zip(previous, current)
            .map { OperatorChange(index: $1.index, name: $1.name, previous: $0.counter, current: $1.counter) }
            .sorted { abs($0.current - $0.previous) > abs($1.current - $1.previous) }
    }
}
