import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GB18030 ⇄ UTF-8 through the C library's `iconv` (glibc on Linux).
///
/// Why not Foundation: on Linux, swift-corelibs-foundation does convert GB18030 (through
/// CoreFoundation and ICU: `String.Encoding(rawValue: 0x8000_0632)`, the NSStringEncoding of
/// kCFStringEncodingGB_18030_2000, is among `availableStringEncodings`, and 𠮷 ⇄ 95 34 B2 35 round
/// trips). We measured it against glibc 2.36 over every two-byte GBK code and every scalar and
/// chose iconv because Foundation (1) is lenient: `String(data:encoding:)` turns a lone 0x80
/// after ASCII into "€" and only says nil for other errors, with no offset, so we could not name
/// the line of a bad byte; (2) took 5× longer to encode all of Unicode (0.07 s against 0.014 s);
/// (3) disagrees with glibc on 7 two-byte codes (A3A0, FE51, FE52, FE53, FE6C, FE76, FE91: ICU
/// gives the old Private Use Area points, glibc the standard characters of GB18030-2005/2022).
/// glibc 2.36 in turn cannot encode 24 Private Use Area points (U+E78D–E796, U+E816…) whose
/// GB18030 codes now mean standard characters; `encode` reports those as an encoding error.
///
/// One deliberate leniency: a single byte 0x80 decodes to "€", as CP936 (Excel's "ANSI" on
/// Chinese Windows) writes it and as the WHATWG gb18030 decoder reads it; glibc rejects it.
enum GB18030Converter {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 2 + 16)
        try convert(bytes, from: "GB18030", to: "UTF-8", into: &out) { offset in
            // EILSEQ/EINVAL at `offset`: the € leniency above, else an error.
            guard bytes[offset] == 0x80 else {
                throw TextEncoding.invalidBytes(.gb18030, offset: offset, in: bytes)
            }
            return (1, [0xE2, 0x82, 0xAC])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func encode(_ text: String) throws -> Data {
        var utf8 = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(utf8.count + 16)
        try utf8.withUnsafeMutableBufferPointer { buffer in
            let input = UnsafeBufferPointer(buffer)
            try convert(input, from: "UTF-8", to: "GB18030", into: &out) { offset in
                throw unencodable(input, at: offset)
            }
        }
        return Data(out)
    }

    /// Runs iconv over all of `input`, growing `out` on E2BIG. On an invalid (EILSEQ) or
    /// truncated (EINVAL) sequence at an input offset, `skip` either throws or returns how many
    /// input bytes to step over and what to write in their place.
    private static func convert(
        _ input: UnsafeBufferPointer<UInt8>, from: String, to: String, into out: inout [UInt8],
        skip: (Int) throws -> (advance: Int, replacement: [UInt8])
    ) throws {
        guard let cd = iconv_open(to, from), Int(bitPattern: cd) != -1 else {
            let err = errno
            throw InterchangeError(
                .encoding,
                "This system cannot convert \(from) to \(to) (iconv: \(String(cString: strerror(err)))).",
                zh: "本机无法进行 \(from) 到 \(to) 的编码转换（iconv:\(String(cString: strerror(err)))）。",
                hint: "Install the C library's character-set converters (on Debian: the libc-bin and libc6 packages), or save the file as UTF-8.",
                hintZH: "请让管理员安装系统的编码转换组件（Debian:libc-bin、libc6），或把文件另存为 UTF-8 后再导入。")
        }
        defer { iconv_close(cd) }
        guard let base = input.baseAddress, input.count > 0 else { return }
        var consumed = 0
        var chunk = max(64, input.count + input.count / 2 + 16)
        while consumed < input.count {
            let produced = out.count
            out.append(contentsOf: repeatElement(0, count: chunk))
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base + consumed)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = input.count - consumed
            var outLeft = chunk
            let (result, err): (Int, Int32) = out.withUnsafeMutableBufferPointer { o in
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress! + produced)
                    .assumingMemoryBound(to: CChar.self)
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return (r, r == -1 ? errno : 0)
            }
            consumed = input.count - inLeft
            out.removeLast(outLeft)
            if result != -1 { break }
            switch err {
            case E2BIG:
                chunk = max(chunk, 64) * 2
            case EILSEQ, EINVAL:
                let (advance, replacement) = try skip(consumed)
                consumed += advance
                out.append(contentsOf: replacement)
            default:
                throw TextEncoding.invalidBytes(from == "GB18030" ? .gb18030 : .utf8, offset: consumed, in: input)
            }
        }
        // Flush any shift state (none for these encodings, but the protocol asks for it).
        var flush = [UInt8](repeating: 0, count: 16)
        let flushed: Int = flush.withUnsafeMutableBufferPointer { f in
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(f.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outLeft = f.count
            _ = iconv(cd, nil, nil, &outPtr, &outLeft)
            return f.count - outLeft
        }
        out.append(contentsOf: flush[..<flushed])
    }

    /// The error for a character GB18030 (as glibc knows it) cannot hold, at UTF-8 `offset`.
    private static func unencodable(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) -> InterchangeError {
        let line = TextEncoding.line(ofByte: offset, in: utf8, encoding: .utf8)
        var end = offset + 1
        while end < utf8.count && utf8[end] & 0xC0 == 0x80 { end += 1 }
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: utf8[offset..<end]), as: UTF8.self)
            .unicodeScalars.first.map { "U+" + String($0.value, radix: 16, uppercase: true) } ?? "?"
        return InterchangeError(
            .encoding,
            "Line \(line.withThousandsSeparators) has a character (\(scalar)) that GB18030 cannot hold.",
            zh: "第 \(line.withThousandsSeparators) 行有一个字符（\(scalar)）无法用 GB18030 编码保存。",
            hint: "Export as UTF-8 with BOM instead (--encoding utf-8-bom), or as XLSX.",
            hintZH: "请改为导出 UTF-8（带 BOM）格式（--encoding utf-8-bom），或导出为 XLSX。")
    }
}
