import Foundation

/// Reads the testkit's `.svtest` files (Tests/VaultFormatTests/Testkit): `key: value` lines, a
/// blank line, then the archive bytes.
enum Testkit {
    /// `$SVAULT_TESTKIT`, or the testkit folder under the current directory (the repository root).
    static var directory: String {
        ProcessInfo.processInfo.environment["SVAULT_TESTKIT"] ?? FileManager.default.currentDirectoryPath + "/Tests/VaultFormatTests/Testkit"
    }

    struct Archive {
        let name: String
        let fields: [String: String]
        let bytes: [UInt8]
        var password: String { fields["password"] ?? "" }
    }

    static func archive(_ name: String) throws -> Archive {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: directory + "/" + name])
        }
        let all = [UInt8](data)
        var split = all.count
        for i in 0..<(all.count - 1) where all[i] == 10 && all[i + 1] == 10 { split = i; break }
        var fields: [String: String] = [:]
        for line in String(decoding: all[..<split], as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Archive(name: name, fields: fields, bytes: split + 2 <= all.count ? Array(all[(split + 2)...]) : [])
    }

    static func all() throws -> [Archive] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".svtest") }.sorted().map(archive)
    }
}
