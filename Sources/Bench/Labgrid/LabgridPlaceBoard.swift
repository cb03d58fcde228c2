import DeviceLink

/// The board of an acquired labgrid place: closing it closes the board and then releases the place.
final class LabgridPlaceBoard: Board {
    let inner: any Board
    let lease: LabgridPlaceLease
    /// The configuration resolved from the place's resources (board and meter as `rfc2217://`).
    let placeConfiguration: BenchConfiguration

    init(inner: any Board, lease: LabgridPlaceLease, placeConfiguration: BenchConfiguration) {
        self.inner = inner
        self.lease = lease
        self.placeConfiguration = placeConfiguration
    }

    var device: Device { inner.device }
    var boardID: String { "labgrid:\(lease.place)" }

    func close() async {
        await inner.close()
        await lease.release()
    }
}
