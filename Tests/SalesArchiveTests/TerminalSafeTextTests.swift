import SalesArchive
import XCTest

/// FieldFormat.terminalSafe (issue 11, terminal injection): what stored text may reach a terminal.
final class TerminalSafeTextTests: XCTestCase {
    func testControlsBidiAndZeroWidthCharactersBecomeVisibleEscapes() {
        XCTAssertEqual(FieldFormat.terminalSafe("a\u{1B}[2Jb"), "a\\u{1B}[2Jb")
        XCTAssertEqual(FieldFormat.terminalSafe("\u{0}\u{7}\u{8}\r\u{7F}\u{9B}"), "\\u{0}\\u{7}\\u{8}\\u{D}\\u{7F}\\u{9B}")
        XCTAssertEqual(FieldFormat.terminalSafe("exe.\u{202E}fdp"), "exe.\\u{202E}fdp")
        XCTAssertEqual(FieldFormat.terminalSafe("\u{202A}\u{2066}\u{2069}\u{200B}\u{200F}\u{2060}\u{FEFF}"),
                       "\\u{202A}\\u{2066}\\u{2069}\\u{200B}\\u{200F}\\u{2060}\\u{FEFF}")
    }

    func testOrdinaryTextIsUnchanged() {
        for text in ["华为技术有限公司", "Acme, Inc. \\ path", "王敏 (R4) 👍", "¥3,000,000.50", ""] {
            XCTAssertEqual(FieldFormat.terminalSafe(text), text)
            XCTAssertEqual(FieldFormat.terminalSafe(text, keepingNewlines: true), text)
        }
    }

    /// A variation selector stays after the character whose look it selects (❤️, 邉󠄀) and is
    /// escaped where it selects nothing (black-box finding: a name of U+FE0F alone was refused
    /// with a message that showed it as nothing between the quotes).
    func testAVariationSelectorThatSelectsNothingIsEscaped() {
        for text in ["❤\u{FE0F}", "邉\u{E0100}", "王敏 ☎\u{FE0E}"] {
            XCTAssertEqual(FieldFormat.terminalSafe(text), text)
        }
        XCTAssertEqual(FieldFormat.terminalSafe("\u{FE0F}"), "\\u{FE0F}")
        XCTAssertEqual(FieldFormat.terminalSafe("“\u{FE0F}”"), "“\u{FE0F}”", "after a quotation mark it selects the mark's look")
        XCTAssertEqual(FieldFormat.terminalSafe("a \u{FE0F}"), "a \\u{FE0F}")
        XCTAssertEqual(FieldFormat.terminalSafe("❤\u{FE0F}\u{FE0F}"), "❤\u{FE0F}\\u{FE0F}")
        XCTAssertEqual(FieldFormat.terminalSafe("\u{200B}\u{FE0F}"), "\\u{200B}\\u{FE0F}")
        XCTAssertEqual(FieldFormat.terminalSafe("a\n\u{FE0F}", keepingNewlines: true), "a\n\\u{FE0F}")
        for text in ["\u{FE0F}", "a \u{FE0F}\u{E0100}", "❤\u{FE0F}\u{FE0F}x", "\u{1B}\u{FE0F}"] {
            let once = FieldFormat.terminalSafe(text)
            XCTAssertEqual(FieldFormat.terminalSafe(once), once, "a second pass changes nothing")
        }
    }

    /// A zero-width joiner between two emoji makes one (👨‍💼, 👨‍👩‍👧, 🏳️‍🌈, 👍🏻‍…): kept; elsewhere, where it
    /// could make two names look alike, escaped (helper-197: 👨\u{200D}💼 in every listing).
    func testAZeroWidthJoinerIsKeptBetweenEmojiAlone() {
        for text in ["👨\u{200D}💼", "张总 👨\u{200D}👩\u{200D}👧", "🏳\u{FE0F}\u{200D}🌈", "👩🏻\u{200D}💻"] {
            XCTAssertEqual(FieldFormat.terminalSafe(text), text)
        }
        XCTAssertEqual(FieldFormat.terminalSafe("王\u{200D}敏"), "王\\u{200D}敏")
        XCTAssertEqual(FieldFormat.terminalSafe("👨\u{200D}"), "👨\\u{200D}")
        XCTAssertEqual(FieldFormat.terminalSafe("\u{200D}💼"), "\\u{200D}💼")
        XCTAssertEqual(FieldFormat.terminalSafe("1\u{200D}2"), "1\\u{200D}2", "digits are no emoji here")
    }

    func testTabsAndLineBreaksBecomeSpacesInCellsAndLineBreaksStayInMessages() {
        XCTAssertEqual(FieldFormat.terminalSafe("a\tb\nc\r\nd"), "a b c d")
        XCTAssertEqual(FieldFormat.terminalSafe("a\tb\nc\r\nd", keepingNewlines: true), "a b\nc\nd")
        XCTAssertEqual(FieldFormat.terminalSafe("a\rb", keepingNewlines: true), "a\\u{D}b")
    }

    func testTheResultIsSafeAndASecondPassChangesNothing() {
        let nasty = "X\u{1B}]0;title\u{7}\u{202E}\u{2067}\u{200D}\r\n\t\u{85}\u{2028}Y"
        for keep in [false, true] {
            let once = FieldFormat.terminalSafe(nasty, keepingNewlines: keep)
            XCTAssertEqual(FieldFormat.terminalSafe(once, keepingNewlines: keep), once)
            XCTAssertFalse(once.unicodeScalars.contains { $0 != "\n" && FieldFormat.isTerminalUnsafe($0) }, once)
            XCTAssertEqual(once.contains("\n"), keep)
        }
    }

    /// A long value of control characters (a hostile 1 MiB CSV cell of NUL bytes) is escaped
    /// whole and right; escaping it was quadratic (73 s for 1 MiB, black-box finding) and is
    /// now one pass (the CLI also escapes only the start of what it shows).
    func testALongRunOfControlCharactersIsEscapedWhole() {
        let n = 200_000
        let text = "a" + String(repeating: "\u{0}", count: n) + "\r\nb\u{202E}"
        let safe = FieldFormat.terminalSafe(text)
        XCTAssertEqual(safe.utf8.count, 1 + 5 * n + 1 + 1 + 8)
        XCTAssertTrue(safe.hasPrefix("a\\u{0}\\u{0}"))
        XCTAssertTrue(safe.hasSuffix("\\u{0} b\\u{202E}"), String(safe.suffix(30)))
        XCTAssertEqual(FieldFormat.terminalSafe(safe), safe)
    }
}
