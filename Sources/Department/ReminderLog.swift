import Foundation

/// The days the password reminder was last shown, per archive (issue 12: at most once a day per
/// archive; `status` and the first unlock of a shell show it whatever this says). A small text
/// file outside the archive, one line per archive: its id (hex) and a day number; written 0600,
/// replaced whole. Losing it only means a reminder shown once more.
public struct ReminderLog: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// `$SALESVAULT_STATE_DIR/reminders`, else `$XDG_STATE_HOME/salesvault/reminders`, else
    /// `$HOME/.local/state/salesvault/reminders`; nil without any of them.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ReminderLog? {
        let dir: String
        if let d = environment["SALESVAULT_STATE_DIR"], !d.isEmpty {
            dir = d
        } else if let x = environment["XDG_STATE_HOME"], !x.isEmpty {
            dir = x + "/salesvault"
        } else if let home = environment["HOME"], !home.isEmpty {
            dir = home + "/.local/state/salesvault"
        } else {
            return nil
        }
        return ReminderLog(path: dir + "/reminders")
    }

    /// At most this many archives are remembered (the most recent kept).
    static let maxEntries = 1_000

    private func read() -> [(String, Int64)] {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[0].count <= 64, parts[0].allSatisfy(\.isHexDigit), let day = Int64(parts[1]) else { return nil }
            return (String(parts[0]), day)
        }
    }

    /// Whether the reminder of `archiveID` was already shown on `day`.
    public func shown(archiveID: String, on day: Int64) -> Bool {
        read().contains { $0.0 == archiveID && $0.1 == day }
    }

    /// Records that the reminder of `archiveID` was shown on `day` (best effort: a failure to
    /// write only means it is shown again).
    public func record(archiveID: String, day: Int64) {
        var entries = read().filter { $0.0 != archiveID }
        entries.append((archiveID, day))
        entries = Array(entries.suffix(Self.maxEntries))
        let text = entries.map { "\($0.0) \($0.1)\n" }.joined()
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else { return }
        if rename(tmp, path) != 0 { unlink(tmp) }
    }

    /// Whether to show the reminder of `archiveID` now (`day`): the first time that day, or
    /// always when `force`; records it when shown.
    public func shouldShow(archiveID: String, day: Int64, force: Bool = false) -> Bool {
        guard force || !shown(archiveID: archiveID, on: day) else { return false }
        record(archiveID: archiveID, day: day)
        return true
    }
}
