import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Streams the elements of one XML part to closures: start (local name, attributes with prefixes
/// stripped), end (local name) and character data.
///
/// Why Foundation's `XMLParser` and not SWXMLHash: SWXMLHash runs the same `XMLParser` underneath
/// and then builds a tree of every element (an object, an attribute dictionary and a children
/// array each) that lives until the end. Measured once on this project's 2-core Linux machine,
/// optimised builds, on a 35.6 MB sheet part of 100,000 rows × 10 columns (2.1 million
/// elements): SWXMLHash's tree, walked for every `<c>`/`<v>`, took 3.7 s and 903 MB of memory;
/// this stream with an empty handler 0.85 s and 126 MB. Small parts use the same stream so there
/// is one XML path to harden: no DTD (an XLSX part never has one, so a `<!DOCTYPE` is refused
/// before parsing; this matters because corelibs Foundation turns on libxml2's entity
/// substitution), no external entities.
final class XMLEvents: NSObject, XMLParserDelegate {
    typealias Start = (_ name: String, _ attributes: [String: String]) throws -> Void
    typealias End = (_ name: String) throws -> Void
    typealias Text = (_ text: String) -> Void

    private let onStart: Start
    private let onEnd: End
    private let onText: Text
    private var failure: Error?
    private let part: String
    private var depth = 0
    private var rootEnded = false

    private init(part: String, start: @escaping Start, end: @escaping End, text: @escaping Text) {
        self.part = part
        onStart = start
        onEnd = end
        onText = text
    }

    /// Parses `data` (the part `part`, named in errors), calling the closures in document order.
    static func parse(_ data: Data, part: String, start: @escaping Start, end: @escaping End = { _ in },
                      text: @escaping Text = { _ in }) throws {
        let data = try utf8(data, part: part)
        if hasDoctype(data) { throw XLSXErrors.badXML(part, "a DOCTYPE is not allowed", zh: "含有不允许的 DOCTYPE 声明") }
        let events = XMLEvents(part: part, start: start, end: end, text: text)
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = events
        // The parser runs libxml2 in recovery mode and may return true after errors, so success is
        // judged here: no error before the root element closed, and the root element closed.
        // An error after it is ignored: libxml2 2.9 (Debian 12) reports a spurious "huge input
        // lookup" (code 1) once the root of a document over 10 MB has closed, and nothing after
        // the root can change what was read.
        _ = parser.parse()
        if let failure = events.failure { throw failure }
        guard events.rootEnded else { throw XLSXErrors.badXML(part, "it ends before its last element closes", zh: "内容不完整，文件可能被截断") }
    }

    /// Encodings in which "<!DOCTYPE" is the same bytes as in ASCII. OPC allows only UTF-8 and
    /// UTF-16 (ECMA-376 Part 2, 8.1.4), but old tools have declared these and libxml2 reads them.
    static let asciiCompatible: Set<String> = [
        "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "windows-1252", "cp1252",
        "gbk", "gb2312", "gb18030", "big5", "shift_jis",
    ]

    /// The part with the DOCTYPE check able to see its text: UTF-16 is converted to UTF-8 here
    /// (its declaration dropped); other encodings that are not ASCII-compatible (UCS-4, UTF-7,
    /// EBCDIC…) are refused, as libxml2 would otherwise convert them out of sight of that check.
    static func utf8(_ data: Data, part: String) throws -> Data {
        let head = [UInt8](data.prefix(4))
        guard head.count >= 2 else { return data }
        let unsupported = XLSXErrors.badXML(part, "it is in a text encoding SalesVault does not read (use UTF-8)", zh: "使用了无法读取的文字编码，应为 UTF-8")
        var littleEndian: Bool?
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0x3C, 0x00]) {
            littleEndian = true
        } else if head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0x00, 0x3C]) {
            littleEndian = false
        }
        // UCS-4 (or anything else with two zero bytes in a row at the start).
        if head.count == 4, (head[0] == 0 && head[1] == 0) || (head[2] == 0 && head[3] == 0) { throw unsupported }
        if let littleEndian {
            var body = data
            if head[0] == 0xFF || head[0] == 0xFE { body = data.dropFirst(2) }
            guard var text = String(data: body, encoding: littleEndian ? .utf16LittleEndian : .utf16BigEndian) else {
                throw XLSXErrors.badXML(part, "it is not valid UTF-16", zh: "不是有效的 UTF-16 文字")
            }
            if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text.removeSubrange(..<end.upperBound) }
            return Data(text.utf8)
        }
        // An ASCII-compatible start: only a UTF-8 (or no) encoding declaration is accepted.
        let prolog = String(decoding: data.prefix(256), as: UTF8.self)
        if prolog.hasPrefix("<?xml") || prolog.hasPrefix("\u{FEFF}<?xml"), let end = prolog.range(of: "?>") {
            let declaration = prolog[..<end.lowerBound].lowercased()
            if let at = declaration.range(of: "encoding") {
                let value = declaration[at.upperBound...].drop { " =\"'".contains($0) }.prefix { !" \"'".contains($0) }
                guard asciiCompatible.contains(String(value)) else { throw unsupported }
            }
        }
        return data
    }

    /// True when a `<!DOCTYPE` comes before the root element (after a BOM, blanks, `<?…?>` and
    /// comments).
    static func hasDoctype(_ data: Data) -> Bool {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
            func at(_ s: String, _ j: Int) -> Bool {
                let u = Array(s.utf8)
                guard j + u.count <= b.count else { return false }
                for k in 0..<u.count where b[j + k] != u[k] { return false }
                return true
            }
            while i < b.count {
                let c = b[i]
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
                if at("<?", i) {
                    i += 2
                    while i < b.count, !at("?>", i) { i += 1 }
                    i += 2
                } else if at("<!--", i) {
                    i += 4
                    while i < b.count, !at("-->", i) { i += 1 }
                    i += 3
                } else {
                    return at("<!DOCTYPE", i) || at("<!doctype", i)
                }
            }
            return false
        }
    }

    private static func local(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        guard failure == nil else { return }
        var attributes = attributeDict
        if attributeDict.keys.contains(where: { $0.utf8.contains(0x3A) }) {
            attributes = [:]
            for (key, value) in attributeDict where !key.hasPrefix("xmlns") {
                attributes[Self.local(key)] = value
            }
        }
        depth += 1
        do { try onStart(Self.local(elementName), attributes) } catch { stop(parser, error) }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard failure == nil else { return }
        depth -= 1
        if depth == 0 { rootEnded = true }
        do { try onEnd(Self.local(elementName)) } catch { stop(parser, error) }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        guard failure == nil, !rootEnded else { return }
        stop(parser, XLSXErrors.badXML(part, "line \(parser.lineNumber), error \((parseError as NSError).code)", zh: "第 \(parser.lineNumber) 行，错误代码 \((parseError as NSError).code)"))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil else { return }
        onText(string)
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil else { return }
        onText(String(decoding: CDATABlock, as: UTF8.self))
    }

    private func stop(_ parser: XMLParser, _ error: Error) {
        failure = error
        parser.abortParsing()
    }
}
