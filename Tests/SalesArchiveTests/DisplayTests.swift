import Foundation
@testable import SalesArchive
import XCTest

/// Values for people in the chosen language (issue 12): no code such as "unrated" or "open".
final class DisplayTests: XCTestCase {
    func testNoGradeAndEscrowUsesReadInTheChosenLanguage() {
        let grade = Schema.field(.customer, key: "grade")!
        let state = ArchiveState()
        XCTAssertEqual(FieldFormat.text(grade, .text("unrated"), zh: true, state: state, instant: { _ in "" }), "未评级")
        XCTAssertEqual(FieldFormat.text(grade, .text("unrated"), zh: false, state: state, instant: { _ in "" }), "unrated")
        XCTAssertEqual(FieldFormat.text(grade, .text("A"), zh: true, state: state, instant: { _ in "" }), "A")
        let use = Entity(kind: .escrowUse, id: 27, at: 0, by: "李经理", setting: [FieldChange(field: 1, old: nil, new: .text("open"))])
        XCTAssertEqual(FieldFormat.displayName(use, zh: true), "经理托管调阅")
        XCTAssertNotEqual(FieldFormat.displayName(use, zh: false), "open")
        let role = Schema.field(.contact, key: "role")!
        XCTAssertEqual(FieldFormat.text(role, .text("decisionMaker"), zh: true, state: state, instant: { _ in "" }), "决策者")
        let status = Schema.field(.complaint, key: "status")!
        XCTAssertEqual(FieldFormat.text(status, .text("withdrawn"), zh: true, state: state, instant: { _ in "" }), "已撤诉")
        XCTAssertEqual(SalesStage.projectInitiation.arrival(zh: true), "已进入第 2 阶段（项目立项）")
        XCTAssertEqual(SalesStage.won.arrival(zh: true), "已赢单")
        XCTAssertEqual(SalesStage.abandoned.arrival(zh: true), "已放弃")
    }
}
