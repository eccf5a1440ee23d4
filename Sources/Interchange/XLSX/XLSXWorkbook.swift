import Foundation

/// A workbook to write with `XLSXWriter`: sheets, each a header row and rows of typed cells.
public struct XLSXWorkbook: Sendable {
    public var sheets: [XLSXSheet]
    /// The document title (File > Properties), if any.
    public var title: String?
    /// Who made it (File > Properties > Author), if anyone.
    public var creator: String?
    /// When it was made: the properties' creation time and the zip entries' time. Nil: now.
    public var created: Date?

    public init(sheets: [XLSXSheet], title: String? = nil, creator: String? = nil, created: Date? = nil) {
        self.sheets = sheets
        self.title = title
        self.creator = creator
        self.created = created
    }
}

/// One worksheet: a bold header row from `columns`, then `rows` from row 2.
///
/// The name is made acceptable to Excel when written: `[ ] : * ? / \` become `_`, apostrophes
/// at either end are dropped, it is cut to 31 characters, an empty name becomes "Sheet1"…, and
/// a name equal (ignoring case) to an earlier sheet's gets " (2)", " (3)"….
public struct XLSXSheet: Sendable {
    public var name: String
    public var columns: [XLSXColumn]
    public var rows: [[XLSXCell]]
    /// Keeps the header row in view when scrolling (a frozen pane below row 1).
    public var freezeHeader: Bool
    /// Puts filter buttons on the header row.
    public var autoFilter: Bool
    /// For a sheet to read (a report), not to import: a text longer than a cell holds is cut to
    /// fit and ends with this marker, instead of the workbook being refused (a note of 40,000
    /// characters stopped every weekly report, `report submit` included).
    public var cutMarker: String?

    public init(name: String, columns: [XLSXColumn], rows: [[XLSXCell]], freezeHeader: Bool = true,
                autoFilter: Bool = true) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.freezeHeader = freezeHeader
        self.autoFilter = autoFilter
    }
}

/// A column: its header text and, optionally, its width in characters (else fitted to the
/// content, East Asian wide characters counting two, between 6 and 60; a given width is kept
/// within Excel's 0…255).
public struct XLSXColumn: Sendable {
    public var header: String
    public var width: Double?

    public init(_ header: String, width: Double? = nil) {
        self.header = header
        self.width = width
    }
}

/// A cell: a value, an optional solid background and bold text.
public struct XLSXCell: Sendable, Equatable {
    /// What a cell holds and how Excel shows it.
    public enum Value: Sendable, Equatable {
        case empty
        /// Text, always a text cell (a leading "=" is not a formula). Characters XML cannot carry
        /// (U+0000–U+001F other than tab and line feed, U+FFFE, U+FFFF) are stored as Excel's
        /// `_xHHHH_` escapes, which Excel, LibreOffice and XLSXReader turn back into the character
        /// (openpyxl shows the escape as written).
        case text(String)
        /// A number; NaN and infinities are written as the error value `#NUM!`.
        case number(Double)
        /// A whole number; beyond 15 digits (what Excel keeps exactly) it is written as text so no
        /// digit is lost.
        case integer(Int64)
        /// A day, shown yyyy-mm-dd (the time of day is ignored). Excel has no dates before
        /// 1900-01-01 or after 9999-12-31: such a day, or one that does not exist (2024-02-30), is
        /// written as the text "yyyy-mm-dd".
        case date(CivilDateTime)
        /// A day and time, shown yyyy-mm-dd hh:mm (seconds are kept in the value); outside
        /// Excel's range, the text "yyyy-mm-dd hh:mm".
        case dateTime(CivilDateTime)
        /// An amount of money, a number cell shown with its currency: CNY as ¥1,234.50, another
        /// ISO code as "USD 1,234.50" (`[$USD] #,##0.00`). The amount is written as its decimal
        /// digits; Excel keeps 15 significant digits of it. A NaN amount is written as `#NUM!`.
        case money(amount: Decimal, currency: String)
        case bool(Bool)
    }

    public var value: Value
    /// A solid background colour as ARGB hex ("FFFFF2CC") or RGB ("FFF2CC").
    public var fill: String?
    public var bold: Bool
    /// Excel's quote prefix (`quotePrefix="1"`): the text is shown as written and stays text
    /// when the cell is edited, as if typed after an apostrophe.
    public var quotePrefix: Bool

    public init(_ value: Value, fill: String? = nil, bold: Bool = false, quotePrefix: Bool = false) {
        self.value = value
        self.fill = fill
        self.bold = bold
        self.quotePrefix = quotePrefix
    }

    public static func text(_ s: String) -> XLSXCell { XLSXCell(.text(s)) }

    /// Text that would read as a formula once edited in Excel (= + - @ TAB or CR first, after
    /// any apostrophes): written as it is, with the quote prefix, so that it shows without the
    /// apostrophe the CSV needs (the workbook showed '+86 138…: helper-201 6) and is never made a
    /// formula. Text whose apostrophes come before such a character is written as it is too
    /// (it was given one more, and showed ''=x): the reader gives a quoted cell's apostrophe one
    /// more (`SheetParser`), which the import takes off again (`FormulaGuard.restore`).
    public static func guardedText(_ s: String, fill: String? = nil, bold: Bool = false) -> XLSXCell {
        guard FormulaGuard.needsGuard(s) else { return XLSXCell(.text(s), fill: fill, bold: bold) }
        return XLSXCell(.text(s), fill: fill, bold: bold, quotePrefix: true)
    }
    public static let empty = XLSXCell(.empty)
}
