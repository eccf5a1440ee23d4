import SalesArchive

/// A cell as a spreadsheet or CSV file holds it, before the schema gives it a meaning.
public enum CellValue: Equatable, Sendable {
    case empty
    /// Text as written (a CSV field is always text; an XLSX shared or inline string).
    case text(String)
    /// A number cell (XLSX `n`, not date-formatted).
    case number(Double)
    /// A date or date-time cell (XLSX: a number whose style is a date format, 1900 or 1904
    /// system resolved), as the wall-clock time it shows, without a time zone.
    indirect case date(CivilDateTime)  // boxed: the other cases fit in 17 bytes, and a million rows of text cells need not carry 33
    case bool(Bool)
}

/// A calendar day and an optional time of day, with no time zone (what a spreadsheet cell shows).
public struct CivilDateTime: Equatable, Hashable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    /// Seconds since midnight (0 for a date alone).
    public var secondOfDay: Int
    /// The cell holds a time its format does not show (2026-11-12 08:00 formatted as a date,
    /// shown as 2026-11-12): said in the preview, since a refusal then quotes a time the user
    /// cannot see in the sheet (helper-125).
    public var timeHidden = false

    public init(year: Int, month: Int, day: Int, secondOfDay: Int = 0, timeHidden: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.secondOfDay = secondOfDay
        self.timeHidden = timeHidden
    }
}

extension CellValue {
    /// Whether the cell holds something: not empty, and not text that shows nothing (a space or
    /// an ideographic space typed into a cell, a stray BOM or zero-width character:
    /// `String.showsNothing`).
    public var hasContent: Bool {
        switch self {
        case .empty: return false
        case .text(let text): return !text.showsNothing
        default: return true
        }
    }
}

/// One row of a table: where it is in the user's file (a CSV's physical line where the record
/// starts, header counted, from 1; an XLSX sheet's row number) and its cells by column.
public struct TableRow: Equatable, Sendable {
    public let line: Int
    public var cells: [CellValue]

    public init(line: Int, cells: [CellValue]) {
        self.line = line
        self.cells = cells
    }

    /// Whether any cell holds something (`CellValue.hasContent`): a row of empty cells or of
    /// white space and invisible characters alone (`,,,`, ` , `, a BOM) is no row, and an import
    /// skips it.
    public var hasContent: Bool { cells.contains(where: \.hasContent) }
}

/// A cell of a table: its row's line and its column (0 for A).
public struct CellPosition: Hashable, Sendable {
    public let line: Int
    public let column: Int
}

/// A sheet of a workbook, or the whole of a CSV file: its name, and its rows in file order
/// (the header is the first non-empty row; callers decide).
public struct Table: Equatable, Sendable {
    public var name: String
    public var rows: [TableRow]
    /// A workbook's hidden sheet (a tab the user does not see): not imported.
    public var hidden = false
    /// The numbers of the rows a workbook's sheet hides (by a filter, or by hand), in order: they
    /// are imported, and the preview says which (a filtered list holds more than it shows).
    public var hiddenRows: [Int] = []
    /// The columns a workbook's sheet hides (0 for A), in order: imported like the others, and
    /// named in the preview.
    public var hiddenColumns: [Int] = []
    /// A workbook's number cells whose format shows an amount's currency or unit (`[$USD]
    /// #,##0.00`, `0.00"万元"`), by line and column: an amount column reads them as shown.
    var amountUnits: [CellPosition: NumberFormat.AmountUnit] = [:]
    /// A workbook's whole-number cells whose format shows them through a digit pattern
    /// (`"C"000` shows 1 as C001, `00000` 123 as 00123), as shown: an identifier column reads them so.
    var shownNumbers: [CellPosition: String] = [:]
    /// A workbook's formula cells whose result the file does not hold (a program wrote the
    /// formula and nothing computed it): read as empty, and named in the preview.
    public var uncomputedFormulas: [CellPosition] = []
    /// A workbook's formula cells whose result depends on the day (TODAY(), NOW()), with the
    /// formula's text: they refuse their row.
    public var volatileFormulas: [CellPosition: String] = [:]

    public init(name: String, rows: [TableRow]) {
        self.name = name
        self.rows = rows
    }
}
