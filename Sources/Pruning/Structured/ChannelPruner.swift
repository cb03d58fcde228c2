import Foundation
import Inference
import TFLite

/// How much of each group to remove.
public enum ChannelRatios: Sendable, Equatable {
    /// *fixed* mode: the same fraction of channels removed from every prunable group.
    case fixed(Double)
    /// *dynamic* mode: a fraction per layer, keyed by operator index ("4") or tensor name; layers not named
    /// keep all their channels.
    case perLayer([String: Double])
    /// *global* mode: this fraction of all prunable channels removed where importance is lowest across
    /// groups (each group's scores normalised by its largest), every group keeping at least one channel.
    case global(Double)

    /// Reads a *dynamic* ratios file: a JSON object `{"<op index or tensor name>": ratio, ...}`.
    public static func load(from url: URL) throws(PruningError) -> ChannelRatios {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .invalidRatiosFile("cannot read \(url.path): \(error.localizedDescription)") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch { throw .invalidRatiosFile("not valid JSON (\(error.localizedDescription))") }
        guard let dictionary = object as? [String: Any] else { throw .invalidRatiosFile("the top level is not an object") }
        var ratios: [String: Double] = [:]
        for (key, value) in dictionary {
            guard let number = value as? NSNumber, !(value is Bool) else {
                throw .invalidRatiosFile("the value for '\(key)' is not a number")
            }
            ratios[key] = number.doubleValue
        }
        return .perLayer(ratios)
    }
}

/// What happened to one group.
public struct GroupOutcome: Sendable, Equatable {
    public var group: Int
    public var label: String
    public var channelsBefore: Int
    public var channelsAfter: Int
    /// Indices (into the group's units) of the removed channel units, ascending.
    public var removedUnits: [Int]
}

/// A structurally pruned model and what was removed.
public struct ChannelPruningResult: Sendable {
    public var model: Model
    public var outcomes: [GroupOutcome]
}

/// Structured (channel) pruning over a ``DependencyGraph``: ranks each group's units by importance and
/// removes the least important ones, then rewrites the model.
public struct ChannelPruner: Sendable {
    public var criterion: ChannelCriterion
    /// Keep channel counts a multiple of this (rounded up, capped at the original count); 1 = no rounding.
    public var roundTo: Int

    public init(criterion: ChannelCriterion = .l1, roundTo: Int = 1) {
        self.criterion = criterion
        self.roundTo = max(1, roundTo)
    }

    /// Prunes with a data-driven criterion: measures the producers' output activations on `calibration`
    /// (a batch of model input 0) with the host engine, then prunes. Weight criteria ignore the data.
    public func prune(_ model: Model, ratios: ChannelRatios, calibration: NumPyArray) async throws(PruningError)
        -> ChannelPruningResult
    {
        guard criterion.isDataDriven else { return try prune(model, ratios: ratios) }
        let graph = try DependencyGraph(model: model)
        let outputs = graph.groups.filter(\.isPrunable).flatMap { group in
            group.producers.map { model.subgraphs[0].operators[$0].outputs[0] }
        }
        let statistics = try await ActivationStatistics.measure(model: model, tensors: outputs, inputs: calibration)
        return try prune(model, ratios: ratios, statistics: statistics)
    }

    /// Prunes; `statistics` is required for data-driven criteria (see ``ActivationStatistics/measure``).
    public func prune(_ model: Model, ratios: ChannelRatios,
                      statistics: ActivationStatistics? = nil) throws(PruningError) -> ChannelPruningResult {
        if criterion.isDataDriven, statistics == nil { throw .missingCalibrationData(criterion: criterion.rawValue) }
        let graph = try DependencyGraph(model: model)
        func importance(_ group: DependencyGroup) throws(PruningError) -> [Double] {
            if let statistics, criterion.isDataDriven {
                return try statistics.scores(of: group, graph: graph, model: model, criterion: criterion)
            }
            return try ChannelImportance.scores(of: group, in: graph, model: model, criterion: criterion)
        }
        var removeCounts: [Int: Int] = [:]
        var groupScores: [Int: [Double]] = [:]
        switch ratios {
        case .fixed(let ratio):
            try Self.check(ratio)
            for group in graph.groups where group.isPrunable {
                removeCounts[group.id] = try removedCount(channels: group.channelCount, ratio: ratio, label: group.label)
            }
            if removeCounts.isEmpty { throw .nothingToPrune("no group of channels can be pruned in this model") }
        case .perLayer(let table):
            for (key, ratio) in table.sorted(by: { $0.key < $1.key }) {
                try Self.check(ratio)
                let group = try graph.group(forLayer: key, in: model)
                if let reason = group.blockReason { throw .layerNotPrunable(layer: "'\(key)' (\(group.label))", reason: reason) }
                removeCounts[group.id] = try removedCount(channels: group.channelCount, ratio: ratio, label: group.label)
            }
        case .global(let ratio):
            try Self.check(ratio)
            var pool: [(score: Double, group: Int, unit: Int)] = []
            for group in graph.groups where group.isPrunable {
                let raw = try importance(group)
                groupScores[group.id] = raw
                let largest = raw.max() ?? 0
                for (unit, score) in raw.enumerated() { pool.append((largest > 0 ? score / largest : 0, group.id, unit)) }
            }
            if pool.isEmpty { throw .nothingToPrune("no group of channels can be pruned in this model") }
            pool.sort { $0.score != $1.score ? $0.score < $1.score : ($0.group, $0.unit) < ($1.group, $1.unit) }
            var budget = Int((Double(pool.count) * ratio).rounded(.down))
            let sizes = Dictionary(uniqueKeysWithValues: graph.groups.map { ($0.id, $0.channelCount) })
            for entry in pool where budget > 0 {
                let current = removeCounts[entry.group, default: 0]
                guard current + 1 < sizes[entry.group]! else { continue }
                removeCounts[entry.group] = current + 1
                budget -= 1
            }
            if roundTo > 1 {
                for (id, count) in removeCounts {
                    let channels = sizes[id]!
                    removeCounts[id] = channels - min(channels, (channels - count + roundTo - 1) / roundTo * roundTo)
                }
            }
        }
        var removal: [Int: Set<Int>] = [:]
        var outcomes: [GroupOutcome] = []
        for group in graph.groups {
            guard let removeCount = removeCounts[group.id] else { continue }
            let scores: [Double]
            if let cached = groupScores[group.id] { scores = cached } else { scores = try importance(group) }
            let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 < $1 }
            let removed = Array(order.prefix(removeCount)).sorted()
            removal[group.id] = Set(removed)
            outcomes.append(GroupOutcome(group: group.id, label: group.label, channelsBefore: group.channelCount,
                                         channelsAfter: group.channelCount - removeCount, removedUnits: removed))
        }
        let pruned = try ChannelSurgery.remove(units: removal, of: graph, from: model)
        return ChannelPruningResult(model: pruned, outcomes: outcomes)
    }

    /// Removes exactly the given units of each group (keyed by group id), e.g. channels chosen by the caller.
    public static func remove(units: [Int: Set<Int>], from model: Model) throws(PruningError) -> Model {
        let graph = try DependencyGraph(model: model)
        for (id, set) in units {
            guard let group = graph.groups.first(where: { $0.id == id }) else { throw .unknownLayer("group \(id)") }
            if let reason = group.blockReason { throw .layerNotPrunable(layer: group.label, reason: reason) }
            if set.count >= group.channelCount {
                throw .ratioEmptiesGroup(group: group.label, channels: group.channelCount, ratio: 1)
            }
            if let bad = set.first(where: { $0 < 0 || $0 >= group.channelCount }) {
                throw .unknownLayer("unit \(bad) of \(group.label)")
            }
        }
        return try ChannelSurgery.remove(units: units, of: graph, from: model)
    }

    /// Channels removed from a group of `channels` at `ratio`: ⌊channels · ratio⌋, then the kept count is
    /// rounded up to a multiple of `roundTo`. Throws if nothing would be left.
    public func removedCount(channels: Int, ratio: Double, label: String = "a layer") throws(PruningError) -> Int {
        var keep = channels - Int((Double(channels) * ratio).rounded(.down))
        if roundTo > 1 { keep = min(channels, (keep + roundTo - 1) / roundTo * roundTo) }
        guard keep > 0 else { throw .ratioEmptiesGroup(group: label, channels: channels, ratio: ratio) }
        return channels - keep
    }

    static func check(_ ratio: Double) throws(PruningError) {
        guard ratio.isFinite else { throw .invalidRatio(ratio, what: "ratio") }
        if ratio >= 1 { throw .ratioEmptiesGroup(group: "every prunable layer", channels: 0, ratio: ratio) }
        guard ratio >= 0 else { throw .invalidRatio(ratio, what: "ratio") }
    }
}
