import Department
import Foundation
import SalesArchive
import VaultCrypto
import VaultFormat

/// `report submit` (REPORTS.md §4): the week's report sealed in the age v1 format to the
/// department's managers whose role receives reports, written beside a manifest under
/// `<department>/reports/<week>/`, and recorded in the archive's history. The plaintext exists
/// only in memory; a version once written is never replaced.
public enum ReportSubmission {
    public struct Result: Sendable {
        public let version: Int
        public let paths: [String]
        public let manifest: ReportManifest
        public let manifestSHA256: String
    }

    /// The sealed files of one submission, in the order they are written (the manifest last).
    public static let suffixes = [".xlsx.age", ".html.age", ".json.age"]

    public static func submit(
        _ report: WeeklyReport, xlsx: Data, html: Data, registry: Registry, layout: Layout, archive: CustomerArchive, now: Int64
    ) throws -> Result {
        let managers = registry.reportRecipients
        guard !managers.isEmpty else {
            let roles = registry.reportRoles.joined(separator: ", ")
            throw InterchangeError(.report, "no manager of \(registry.name) has a role that receives weekly reports (\(roles))",
                                   zh: "部门“\(registry.name)”尚未设置周报接收人(须为以下角色之一:\(registry.reportRoles.joined(separator: "、")))",
                                   hint: "the administrator adds one with dept add-manager … --role \"general manager\", or names the roles with dept policy --report-roles",
                                   hintZH: "请管理员用 dept add-manager … --role 总经理 添加,或用 dept policy --report-roles 指定接收角色")
        }
        var keys: [AgeFile.Recipient] = []
        var recipients: [ReportManifest.Recipient] = []
        for m in managers {
            let key = try KeyFile.parseRecipient(m.recipient)
            keys.append(.x25519(key))
            recipients.append(ReportManifest.Recipient(name: m.name, role: m.role, fingerprint: KeyFile.fingerprint(key.rawRepresentation)))
        }
        guard let week = ISOWeek(parsing: report.week) else { throw ReportError.damaged("the report's week is not an ISO week") }
        let folder = ReportFolder(layout: layout, week: week)
        try makeDirectory(layout.reports)
        try makeDirectory(folder.directory)

        let owner = report.owner
        var version = 1
        while version < 10_000, FileManager.default.fileExists(atPath: folder.manifestPath(owner, version: version))
            || suffixes.contains(where: { FileManager.default.fileExists(atPath: folder.path(owner, version: version, suffix: $0)) }) {
            version += 1
        }
        let json = try report.json()
        var files: [ReportManifest.File] = []
        var paths: [String] = []
        for (suffix, plain) in zip(suffixes, [xlsx, html, json]) {
            let sealed = try AgeFile.encrypt(Array(plain), to: keys)
            let path = folder.path(owner, version: version, suffix: suffix)
            try AtomicFile.write(Data(sealed), to: path, replacing: false, protecting: [archive.vault.path])
            paths.append(path)
            files.append(ReportManifest.File(name: URL(fileURLWithPath: path).lastPathComponent, sha256: try SHA256.hash(sealed).hexString, bytes: sealed.count))
        }
        let manifest = ReportManifest(owner: owner, archiveID: report.archiveID, week: week, version: version, submittedAt: now,
                                      files: files, recipients: recipients)
        let manifestData = try manifest.encoded()
        let digest = try SHA256.hash(Array(manifestData)).hexString
        let manifestPath = folder.manifestPath(owner, version: version)
        // Recorded in the history once the sealed files are complete and just before the manifest
        // gets its name: a submission the compliance check counts is always in the history.
        try AtomicFile.write(manifestData, to: manifestPath, replacing: false, protecting: [archive.vault.path]) {
            let note = ExportNote(format: "weekly-report", kinds: [week.description, "v\(version)"], rows: report.customers.count,
                                  file: "reports/\(week)/" + URL(fileURLWithPath: manifestPath).lastPathComponent, sha256: digest, includeSecret: false)
            _ = try archive.recordExport(note, label: "report submit", now: now)
        }
        paths.append(manifestPath)
        return Result(version: version, paths: paths, manifest: manifest, manifestSHA256: digest)
    }

    static func makeDirectory(_ path: String) throws {
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw InterchangeError(.writeFailed, "\(path) is not a directory", zh: "\(path) 不是文件夹",
                                       hint: "move it away; reports go into a folder of that name", hintZH: "该位置有一个同名文件,请移走;周报要存放在以此命名的文件夹中")
            }
            return
        }
        guard mkdir(path, 0o750) == 0 || errno == EEXIST else {
            let code = errno
            throw InterchangeError(.writeFailed, "cannot create \(path): \(String(cString: strerror(code)))",
                                   zh: "无法创建文件夹 \(path):\(code == ENOSPC ? "磁盘空间不足" : code == EACCES ? "没有写入权限" : String(cString: strerror(code)))")
        }
    }
}
