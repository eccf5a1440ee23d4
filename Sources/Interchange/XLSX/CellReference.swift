import Foundation

/// A1-style cell references.
enum CellReference {
    /// The column (1 = A) and row of a reference like "C12"; nil beyond XFD1048576 or malformed.
    static func parse(_ ref: String) -> (column: Int, row: Int)? {
        var column = 0
        var row = 0
        var sawDigit = false
        for b in ref.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A:
                guard !sawDigit else { return nil }
                column = column * 26 + Int((b & 0xDF) - 0x40)
                guard column <= XLSXReader.maxColumn else { return nil }
            case 0x30...0x39:
                sawDigit = true
                row = row * 10 + Int(b - 0x30)
                guard row <= XLSXReader.maxRow else { return nil }
            case 0x24: continue
            default: return nil
            }
        }
        guard column >= 1, row >= 1 else { return nil }
        return (column, row)
    }

    /// The letters of a column (1 = A, 27 = AA).
    static func letters(_ column: Int) -> String {
        var n = column
        var scalars: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            scalars.append(UInt8(0x41 + r))
            n = (n - 1) / 26
        }
        return String(decoding: scalars.reversed(), as: UTF8.self)
    }

    static func name(column: Int, row: Int) -> String { letters(column) + String(row) }
}
