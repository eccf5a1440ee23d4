/// Interchange: getting customer data into and out of an archive (Docs/INTERCHANGE.md).
///
/// - `IO/`: the one atomic, 0600 file writer every export, template, rejects file and report uses.
/// - `Text/`: encodings (UTF-8 with or without BOM, UTF-16 LE/BE, GB18030 through iconv).
/// - `CSV/`: the CSV/TSV reader (physical line numbers) and the one CSV writer.
/// - `XLSX/`: the XLSX reader and writer over ZIPFoundation (deflate) and Foundation's XMLParser.
/// - `Import/`: files → tables → one change set (mapping, typed values, duplicates, preview).
/// - `Export/`: an archive → tables → CSV, XLSX or JSON.
public enum Interchange {}
