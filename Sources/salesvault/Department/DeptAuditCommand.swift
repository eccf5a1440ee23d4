import ArgumentParser
import Department
import Foundation
import VaultCrypto
import VaultFormat

/// `dept audit DIR [NAME]` (DEPARTMENT.md §7.5): the department's audit log of escrow uses,
/// each line verified and compared with its archive, no key needed.
struct DeptAudit: VaultCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List the department's audit log of escrow uses, verified and compared with the archives (no key needed).",
        discussion: """
            Each line is checked: the manager's signature, the registry's key for that
            manager, the chain of lines, and the archive's record of the use. Exit 4 when
            a logged use is missing from its archive, a line does not verify or a log is
            larger than 64 MiB (padded); exit 1 when a log cannot be read.

            EXAMPLES
              salesvault dept audit 华东销售部
              salesvault dept audit 华东销售部 张伟
            """)
    @Argument(help: "The department directory.") var directory: String
    @Argument(help: "Only this salesperson's archive.") var name: String?
    @OptionGroup var global: GlobalOptions

    func execute() throws {
        let layout = Layout(directory)
        let registry = try Registry.load(directory: directory)
        let zh = Language.current == .zh
        var people = registry.salespeople.map { ($0.name, directory + "/" + $0.archive) }
        if let name {
            let n = name.precomposedStringWithCanonicalMapping
            people = people.filter { $0.0 == n }
            guard !people.isEmpty else { throw DepartmentError(.notFound, "\(name) is not a salesperson of \(registry.name)", zh: "\(name) 不是 \(registry.name) 的销售人员") }
        }
        var tampered = false
        var unreadable = false
        var seenIDs: Set<String> = []
        // Times in the department's zone, said once in the heading (they were UTC instants,
        // 2026-02-10T15:00:00Z for an open at 23:00 Beijing time).
        let calendar = registry.calendar
        Terminal.print(zh ? "部门审计日志：\(Terminal.cell(registry.name))（时间均为\(calendar.shownName.zh)）"
                          : "Audit log — \(Terminal.cell(registry.name)) (times in \(calendar.shownName.en))")
        for (owner, path) in people {
            let fd = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0, let inspection = try? DepartmentScan.inspect(path: path) else {
                if fd >= 0 { close(fd) }
                Terminal.print("\(Terminal.cell(owner)): " + (zh ? "没有档案" : "no archive"))
                continue
            }
            defer { close(fd) }
            let id = inspection.prefix.archiveIDHex
            seenIDs.insert(id)
            let audit = ArchiveAudit.check(layout: layout, archiveID: id, header: inspection.header, file: fd, registry: registry)
            guard let items = audit.items else {
                if let size = audit.oversize {
                    // DEPARTMENT.md §7.5: padded past the bound, evidence of tampering (exit 4).
                    Terminal.printPainted(Terminal.red("\(Terminal.cell(owner)): " + (zh ? "审计日志已被篡改：大小 \(size) 字节，超过 \(AuditLog.maxBytes >> 20) MiB（已被人为填充），未予核对"
                                                                          : "audit log ALTERED: \(size) bytes, larger than \(AuditLog.maxBytes >> 20) MiB (padded); not checked")))
                    tampered = true
                } else if let reason = audit.unreadable {
                    Terminal.printPainted(Terminal.red("\(Terminal.cell(owner)): " + (zh ? "审计日志无法读取：\(reason)" : "audit log unreadable: \(reason)")))
                    unreadable = true
                } else {
                    Terminal.print("\(Terminal.cell(owner)): " + (zh ? "无托管访问记录" : "no escrow use logged"))
                }
                continue
            }
            Terminal.print(zh ? "\(Terminal.cell(owner))的档案（日志文件：audit/\(id).log）" : "\(Terminal.cell(owner))  (audit/\(id).log)")
            for item in items {
                let e = item.line.entry
                let when = e.map { calendar.dateTimeString(of: $0.time) } ?? "?"
                let action = e.map { a -> String in
                    let w: L = a.action == "resetPassword" ? L("password reset", "重置密码") : a.action == "export" ? L("export", "导出明文") : L("open", "只读查看")
                    return w.text
                } ?? "?"
                let state: String
                switch (item.line.trust, item.match) {
                case (.trusted, .present?): state = Terminal.green(zh ? "档案中有此记录" : "in the archive")
                case (.trusted, .presentOlderKey?): state = zh ? "档案中有此记录（旧数据密钥，内容由所有人核对）" : "in the archive (older data key; contents checked by the owner)"
                case (.trusted, _): state = Terminal.red(zh ? "档案中缺少此记录：档案已被篡改或换回旧副本" : "MISSING from the archive: altered or put back")
                case (.unregisteredKey, _): state = Terminal.yellow(zh ? "签名密钥不在部门名册中，不予采信" : "key not in the registry: not trusted")
                case (.badSignature, _): state = Terminal.red(zh ? "签名错误（伪造或被改动）" : "BAD SIGNATURE (forged or altered)")
                case (.malformed, _): state = Terminal.red(zh ? "格式错误" : "MALFORMED")
                case (.brokenChain, _): state = Terminal.red(zh ? "链条断开（有行被删除或插入）" : "CHAIN BROKEN (lines removed or inserted)")
                case (.incomplete, _): state = Terminal.yellow(zh ? "最后一行不完整（正在写入或写入中断），不予采信" : "incomplete last line (being written, or cut short): not trusted")
                }
                let who = Terminal.cell(e?.manager ?? "?")
                let record = e.map { String($0.record) } ?? "?"
                Terminal.print("  #\(item.line.number)  \(when)  \(who)  \(action)  " + (zh ? "第 \(record) 条记录" : "record \(record)") + "  \(state)")
            }
            if audit.tampered { tampered = true }
        }
        // Logs of archives that are not (or no longer) in the folder.
        if name == nil, let files = try? FileManager.default.contentsOfDirectory(atPath: layout.audit) {
            for file in files.sorted() where file.hasSuffix(".log") && !seenIDs.contains(String(file.dropLast(4))) {
                Terminal.printPainted(Terminal.yellow(zh ? "audit/\(file)：没有对应的档案（档案已删除或被替换）" : "audit/\(file): no archive of the department has this id (deleted or replaced)"))
            }
        }
        if tampered { throw ExitCode(ExitStatus.damaged.rawValue) }
        // A log that cannot be read was not checked: never exit 0 (DEPARTMENT.md §7.5).
        if unreadable { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
