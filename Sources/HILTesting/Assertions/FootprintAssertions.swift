import Bench
import Footprint

/// `assertBudget(model, .fits(board))` without `await`: fails unless `model` fits `board` (arena in the RAM, model in
/// the flash left by the firmware). Returns the footprint.
@discardableResult
public func assertFits(
    _ model: ModelUnderTest, on board: BoardLimits = .raspberryPiPico,
    fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
) -> ModelFootprint? {
    BudgetCheck.fits(model, on: board, at: .init(fileID: fileID, filePath: filePath, line: line, column: column))?.footprint
}
