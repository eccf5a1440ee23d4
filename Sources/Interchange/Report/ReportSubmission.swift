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
        /// When the first earlier version of this archive's report for the week was submitted
        /// (its manifest, as written; not checked through escrow): the submission the department
        /// counts on time or late by. Nil for a first version.
        public var firstSubmittedAt: Int64? = nil
        public var firstVersion: Int? = nil
    }

    /// The sealed files of one submission, in the order they are written (the manifest last).
    public static let suffixes = ReportSubmissionNames.suffixes

    public static func submit(
        _ report: WeeklyReport, xlsx: Data, html: Data, registry: Registry, layout: Layout, archive: CustomerArchive, now: Int64
    ) throws -> Result {
        let managers = registry.reportRecipients
        guard !managers.isEmpty else {
            let roles = registry.reportRoles.joined(separator: ", ")
            throw InterchangeError(.report, "no manager of \(registry.name) has a role that receives weekly reports (\(roles))",
                                   zh: "部门“\(registry.name)”尚未设置周报接收人（须为以下角色之一：\(registry.reportRoles.joined(separator: "、"))）",
                                   hint: "the administrator adds one with dept add-manager … --role \"general manager\", or names the roles with dept policy --report-roles",
                                   hintZH: "请管理员用 dept add-manager … --role 总经理 添加，或用 dept policy --report-roles 指定接收角色")
        }
        var keys: [AgeFile.Recipient] = []
        var recipients: [ReportManifest.Recipient] = []
        for m in managers {
            let key = try KeyFile.parseRecipient(m.recipient)
            keys.append(.x25519(key))
            recipients.append(ReportManifest.Recipient(name: m.name, role: m.role, fingerprint: KeyFile.fingerprint(key.rawRepresentation)))
        }
        guard let week = ISOWeek(parsing: report.week) else { throw ReportError.damaged("the report's week is not an ISO week") }
        // A week's report is handed in once the week has begun, and only for weeks the archive
        // existed in (REPORTS.md §4): no report waits in advance for weeks to come.
        guard now >= registry.calendar.start(of: week.monday) else {
            throw InterchangeError(.report, "\(week) has not begun yet; a week's report is submitted during or after that week",
                                   zh: "\(ReportText.weekZH(week.description))尚未开始，只能在该周开始后提交周报")
        }
        guard archive.vault.header.createdAt < registry.calendar.start(of: week.monday + 7) else {
            throw InterchangeError(.report, "the archive did not exist in \(week)", zh: "\(ReportText.weekZH(week.description))时该档案尚未创建，不能提交该周周报")
        }
        let folder = ReportFolder(layout: layout, week: week)
        // A failure leaves nothing of this attempt behind (a kill may: such files count for
        // nothing without a manifest, and the next submission takes the next version), nor the
        // folders it made (a full disk left an empty week folder): `rmdir` removes only empty ones.
        var committed = false
        var made: [String] = []
        var paths: [String] = []
        defer {
            if !committed {
                for p in paths { unlink(p) }
                for d in made.reversed() { rmdir(d) }
            }
        }
        if try makeDirectory(layout.reports) { made.append(layout.reports) }
        if try makeDirectory(folder.directory) { made.append(folder.directory) }

        let owner = report.owner
        var version = 1
        while version < 10_000, FileManager.default.fileExists(atPath: folder.manifestPath(owner, version: version))
            || suffixes.contains(where: { FileManager.default.fileExists(atPath: folder.path(owner, version: version, suffix: $0)) }) {
            version += 1
        }
        let json = try report.json()
        var files: [ReportManifest.File] = []
        do {
            for (suffix, plain) in zip(suffixes, [xlsx, html, json]) {
                let sealed = try AgeFile.encrypt(Array(plain), to: keys)
                let path = folder.path(owner, version: version, suffix: suffix)
                try AtomicFile.write(Data(sealed), to: path, replacing: false, protecting: [archive.vault.path])
                paths.append(path)
                files.append(ReportManifest.File(name: URL(fileURLWithPath: path).lastPathComponent, sha256: try SHA256.hash(sealed).hexString, bytes: sealed.count))
            }
            var manifest = ReportManifest(owner: owner, archiveID: report.archiveID, week: week, version: version, submittedAt: now,
                                          files: files, recipients: recipients)
            manifest.mac = try archive.vault.reportMAC(manifest.macMessage).hexString
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
            committed = true
            var result = Result(version: version, paths: paths + [manifestPath], manifest: manifest, manifestSHA256: digest)
            // (A revision after the deadline was said to count as late, while the department
            // counts the first version: helper-181 M5.)
            for v in 1..<version {
                guard let data = SubmissionCheck.readRegular(folder.manifestPath(owner, version: v), limit: ReportManifest.maxBytes),
                      let m = try? ReportManifest.decode(data), m.archiveID == report.archiveID else { continue }
                (result.firstSubmittedAt, result.firstVersion) = (m.submittedAtUnix, v)
                break
            }
            return result
        } catch let e as InterchangeError where e.code == .exists {
            throw InterchangeError(.report, "another submission of \(owner) for \(week) is being written at the same moment (\(e.reason)); nothing was submitted",
                                   zh: "\(owner) 的 \(week) 周报正在由另一次提交写入；本次未提交任何内容", hint: "try again in a moment", hintZH: "请稍后重试")
        } catch let e as InterchangeError where e.code == .writeFailed {
            throw Self.departmentFolderFailure(e)
        }
    }

    /// A write into the department's reports folder that failed (a full disk, a quota, its
    /// permissions): the folder is the department's, so the salesperson cannot choose another
    /// disk or folder as the general hint said; the administrator can make room.
    static func departmentFolderFailure(_ e: InterchangeError) -> InterchangeError {
        InterchangeError(.writeFailed, e.reason.replacingOccurrences(of: " Nothing was changed.", with: "") + " Nothing was submitted.",
                         zh: e.reasonZH.replacingOccurrences(of: "未做任何改动。", with: "") + "本次未提交任何内容。",
                         hint: "the reports folder is the department's: tell your administrator (it needs free space or write permission there), then run salesvault report submit again",
                         hintZH: "周报文件夹是部门共用的，不能改存到其他位置。请联系部门管理员腾出空间或为您开通写入权限，处理好后再重新运行 salesvault report submit")
    }

    /// Makes the folder `path` unless it is there; true when this call made it.
    @discardableResult
    static func makeDirectory(_ path: String) throws -> Bool {
        var st = stat()
        if lstat(path, &st) == 0 {
            // A link is not followed, even to a folder (reports go where the department's folder
            // says), and is named as a link: the message said "not a directory", exit 1.
            if (st.st_mode & S_IFMT) == S_IFLNK {
                throw InterchangeError(.badDestination, "\(path) is a symbolic link; reports are written only into a real folder of that name",
                                       zh: "\(path) 是符号链接（类似快捷方式），不是真正的文件夹；周报只会存入真正的同名文件夹",
                                       hint: "replace the link with a folder of that name (move what it points to into it)",
                                       hintZH: "请删除该链接，在原位置新建一个同名文件夹；如需保留链接所指向的内容，请把它们移入新文件夹")
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw InterchangeError(.badDestination, "\(path) is not a directory", zh: "\(path) 不是文件夹",
                                       hint: "move it away; reports go into a folder of that name", hintZH: "该位置已有一个同名文件，请将其移走或改名；周报需要存放在这个名称的文件夹中")
            }
            return false
        }
        guard mkdir(path, 0o750) == 0 else {
            let code = errno
            if code == EEXIST { return try makeDirectory(path) }  // (made by another submission just now: checked as above)
            // (The cause and what to do in both languages: it was the system's English alone.)
            let cause = SystemCause(code)
            let e = InterchangeError(.writeFailed, "Cannot create the folder \(path): \(cause.english).", zh: "无法创建文件夹 \(path)：\(cause.chinese)。")
            throw code == ENOENT || code == ENOTDIR ? InterchangeError(.writeFailed, e.reason + " Nothing was submitted.", zh: e.reasonZH + "本次未提交任何内容。",
                                                                       hint: cause.hint, hintZH: cause.hintZH)
                : departmentFolderFailure(e)
        }
        return true
    }
}
