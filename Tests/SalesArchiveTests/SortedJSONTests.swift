import Foundation
@testable import SalesArchive
import XCTest

/// `SortedJSON` writes what `JSONSerialization` writes with sorted keys (the same escapes,
/// numbers and layout), with keys in code-point order, only faster.
final class SortedJSONTests: XCTestCase {
    func serialized(_ object: Any, pretty: Bool) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes])
    }

    let texts = ["", "华东精密机械有限公司", "引号\"反斜杠\\斜杠/", "控制\u{1}\u{1F}\t\n\r字符", "\u{2028}\u{2029}\u{FEFF}\u{200B}", "𠮷野家 😀", "e\u{301}", "<script>&"]
    var leaves: [Any] { texts + [0, -1, Int.max, Int.min, Int64(1_795_392_000), Int32(-7), UInt64.max, true, false, NSNull(), 0.5, -2.25, 1e21, 3.0] }

    /// A random tree of the leaves, with keys from `keys`.
    func tree(_ keys: [String], depth: Int = 0, _ r: inout some RandomNumberGenerator) -> Any {
        if depth > 3 || Int.random(in: 0..<3, using: &r) == 0 { return leaves.randomElement(using: &r)! }
        if Bool.random(using: &r) { return (0..<Int.random(in: 0..<4, using: &r)).map { _ in tree(keys, depth: depth + 1, &r) } }
        var o: [String: Any] = [:]
        for _ in 0..<Int.random(in: 0..<5, using: &r) { o[keys.randomElement(using: &r)!] = tree(keys, depth: depth + 1, &r) }
        return o
    }

    /// Keys of small ASCII letters (as the archive's fields have, a shared beginning or not): the
    /// same bytes as JSONSerialization, escapes, numbers and layout included.
    func testWithKeysOfSmallLettersItWritesTheBytesJSONSerializationWrites() throws {
        var r = SystemRandomNumberGenerator()
        var objects: [Any] = [[String: Any](), [Any](), ["a": [Any](), "b": [String: Any]()], leaves,
                              ["created": 1, "createdat": "2026-11-28T10:00:00Z", "creditcode": "91310000MA1K4XYZ1A", "money": ["amount": "3000000.00", "currency": "CNY"]]]
        for _ in 0..<300 { objects.append(["root": tree(["id", "name", "grade", "g", "gradereason", "z"], &r)]) }
        for object in objects {
            for pretty in [true, false] {
                XCTAssertEqual(String(decoding: try SortedJSON.data(object, pretty: pretty), as: UTF8.self),
                               String(decoding: try serialized(object, pretty: pretty), as: UTF8.self))
            }
        }
    }

    /// Any keys: the same JSON read back, the keys of each object in code-point order.
    func testAnyKeysAreWrittenInCodePointOrderAndReadBackTheSame() throws {
        var r = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let object: Any = ["root": tree(texts + ["id", "Z", "z1", "z10", "a9", "aB", "a_b", "客户", "é"], &r)]
            let ours = try JSONSerialization.jsonObject(with: try SortedJSON.data(object)) as! NSObject
            XCTAssertEqual(ours, try JSONSerialization.jsonObject(with: try serialized(object, pretty: true)) as! NSObject)
        }
        let keys = ["a10", "a9", "aB", "a_b", "Customer", "customer", "客户", "客户名称", "é", "", "createdAt", "creditCode", "𠮷"]
        let text = String(decoding: try SortedJSON.data(Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) }), pretty: false), as: UTF8.self)
        let order = keys.sorted { $0.unicodeScalars.map(\.value).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
        XCTAssertEqual(text, "{" + order.map { "\"\($0)\":1" }.joined(separator: ",") + "}")
    }

    /// An archive's records as an export writes them: the same as before, apart from key order.
    func testAnArchivesRecordsAreWrittenAsBefore() throws {
        let fixture = try ArchiveFixture()
        let archive = try fixture.open()
        for i in 0..<1_000 {
            _ = try archive.addCustomer(name: "华东\(i)号精密机械有限公司", fields: [("grade", ["A", "B", "C", "D"][i % 4]), ("phone", "021-\(60_000_000 + i)"),
                                                                          ("note", "需要报价单/\"样品\"\n第二行"), ("nextFollowUp", "2027-02-\(i % 28 + 1)")], now: monday)
        }
        let records = archive.state.all(.customer).map { FieldFormat.json($0, state: archive.state, includeSecret: true) }
        let object: [String: Any] = ["customers": records, "jsonVersion": 1, "includeSecret": true]
        let ours = try SortedJSON.data(object)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: ours) as! NSDictionary, object as NSDictionary)
        XCTAssertEqual(ours, try serialized(object, pretty: true), "the archive's keys sort the same both ways")
    }

    /// A value it does not know by its type (an NSNumber read back from JSON) is written as
    /// JSONSerialization writes it: 1 stays 1, not true.
    func testAnotherValueIsWrittenAsJSONSerializationWritesIt() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(#"{"b":true,"a":[1,2.5,"x",null,0]}"#.utf8))
        XCTAssertEqual(try SortedJSON.data(parsed), try serialized(parsed, pretty: true))
        XCTAssertThrowsError(try SortedJSON.data(["date": Date()]), "not JSON: refused as JSONSerialization refuses it")
    }
}
