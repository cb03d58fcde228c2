/// The flat `tinyhil prune MODEL -o OUT (--ratio R | --ratios F | --sparsity S | --n-of-m N:M | --genetic) …` of
/// release 0.1, kept working for one release: the arguments are rewritten to the subcommand they mean (`channels`,
/// `weights`, `search`) and a deprecation note is printed. Options of another mode, which 0.1 ignored, are then
/// refused by the subcommand.
enum LegacyPruneForm: Equatable {
    /// Not the flat form: parse the arguments as given.
    case unchanged
    /// The flat form, and the same request in the new form.
    case rewritten(arguments: [String], note: String)
    /// The flat form, but it names no mode or several.
    case refused(String)

    static let subcommands: Set<String> = ["channels", "weights", "search", "help", "-h", "--help", "-help"]

    /// `arguments` without the program name (`["prune", "m.tflite", "--ratio", "0.5", …]`).
    static func interpret(_ arguments: [String]) -> LegacyPruneForm {
        guard arguments.first == "prune", arguments.count > 1, !subcommands.contains(arguments[1]) else { return .unchanged }
        let rest = Array(arguments.dropFirst())
        func names(_ flag: String) -> Bool { rest.contains { $0 == flag || $0.hasPrefix(flag + "=") } }
        var modes: [String] = []
        if names("--ratio") || names("--ratios") { modes.append("channels") }
        if names("--sparsity") || names("--n-of-m") { modes.append("weights") }
        if rest.contains("--genetic") { modes.append("search") }
        let usage = "use 'tinyhil prune channels' (--ratio/--ratios), 'prune weights' (--sparsity/--n-of-m) or "
            + "'prune search' (--max-arena/--max-flash/--max-macs); see 'tinyhil prune --help'"
        guard modes.count == 1, let mode = modes.first else {
            return .refused(modes.isEmpty ? "tinyhil prune needs a mode: \(usage)"
                                          : "give exactly one pruning mode (found \(modes.joined(separator: ", "))): \(usage)")
        }
        let rewritten = ["prune", mode] + rest.filter { $0 != "--genetic" }
        let note = "note: the flat 'tinyhil prune MODEL …' form is deprecated and will be removed in the next "
            + "release; this run is 'tinyhil \(rewritten.joined(separator: " "))'\n"
        return .rewritten(arguments: rewritten, note: note)
    }
}
