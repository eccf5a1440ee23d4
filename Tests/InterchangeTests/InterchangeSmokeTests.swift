import XCTest
@testable import Interchange

final class InterchangeSmokeTests: XCTestCase {
    func testTargetLinks() { XCTAssertNotNil(Interchange.self as Any) }
}
