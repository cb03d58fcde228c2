/// What opening a bench does when a real board runs other firmware than the host's build of `firmware/`
/// (`FirmwareIdentity.expected`). Emulated boards (`virtual`, `pico-emulated`) are always started with the host's
/// build, so this applies to boards reached over an endpoint.
///
/// In a bench configuration: `firmware: check` (default), `firmware: reflash`, `firmware: any`; on the command line
/// `--reflash` for `reflash`.
public enum FirmwarePolicy: String, Sendable, Equatable, CaseIterable {
    /// Refuse a board whose HELLO reports another build id or version, with an error naming both and the fix.
    case check
    /// Flash the host's build onto a stale board (`BenchConfiguration.flasher`), then check again.
    case reflash
    /// Accept whatever the board runs (firmware not built from this checkout).
    case any
}
