import ArgumentParser
import Foundation
import SalesArchive

struct History: ArchiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every change (who, when, what, old → new), for one customer or all.",
        discussion: """
            EXAMPLES
              salesvault history --since 2026-11-23
              salesvault history 华为 --since 2026/11/1 --json
            """)
    @Argument(help: "Customer id or name (any part of it, or an alias) (default: everything).") var customer: String?
    @Option(parsing: .unconditional, help: "Only changes on or after this date.") var since: String?
    @Option(parsing: .unconditional, help: "Only changes before this date.") var until: String?
    @Flag(help: "Include changes to contacts' personal background (secret).") var includeSecret = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    var capability: Capability { .read }
    /// The whole history read and shown (under `ulimit -v`, a 15.6 MB archive's history needed
    /// more than 115 MB left once open, its JSON more than 285 MB: sweeps).
    var memoryTimesRecords: Int { json ? 27 : 8 }  // (JSON: 20 crashed just above its refusal)


    func run(in context: ArchiveContext) throws {
        let now = Clock.now
        let from = try since.map { DateParser.startOfDay(try DateParser.parse($0, now: now, yearless: .notLater)) } ?? .min
        let to = try until.map { DateParser.startOfDay(try DateParser.parse($0, now: now, yearless: .past)) } ?? .max
        try context.use { archive in
            // (A removed customer's history too: the removal says it is kept.)
            let who = try customer.map { q -> UInt64 in
                do { return try archive.resolve(.customer, q).id } catch let e as ArchiveError where e.code == .notFound {
                    guard let gone = archive.state.removedCustomer(q) else { throw e }
                    return gone.id
                }
            }
            // The table names log entries: one customer's, or all of them.
            if let who { try archive.loadContactLog(customer: who) } else { try archive.loadContactLog() }
            let entries = try archive.history(since: from, until: to, customer: who, includeSecret: includeSecret)
            func name(_ h: HistoryEntry) -> String {
                archive.state.entities(h.kind, h.id).map { "\($0.shortID) \(FieldFormat.displayName($0, zh: Render.zh))" } ?? "\(h.kind.idPrefix)\(h.id)"
            }
            if json {
                try Render.checkJSON(items: entries.count, fieldsEach: 9)
                return try Render.printJSON(entries.map { h -> [String: Any] in
                    var o: [String: Any] = ["at": Format.isoDate(h.at), "by": h.actor, "operation": "\(h.operation)", "kind": "\(h.kind)",
                                            "id": "\(h.kind.idPrefix)\(h.id)", "name": archive.state.entities(h.kind, h.id)?.displayName ?? ""]
                    if let f = h.field { o["field"] = f.key }
                    if let old = h.old { o["old"] = Render.jsonValue(old, spec: h.field, archive: archive) }
                    if let new = h.new { o["new"] = Render.jsonValue(new, spec: h.field, archive: archive) }
                    if let r = h.reason { o["reason"] = r }
                    if let r = h.result { o["result"] = r }
                    if let p = h.problem { o["problem"] = p }
                    o["batch"] = "B\(h.batch)"
                    o["label"] = h.label
                    return o
                })
            }
            // The table leaves out bookkeeping that another line already says (a stage change
            // moves `stageSince` with it); --json keeps every change.
            let shown = entries.filter { $0.field?.key != "stageSince" }
            let z = Render.zh
            let ops: [ChangeEvent.Operation: String] = z ? [.create: "新增", .update: "修改", .remove: "移除", .restore: "恢复"]
                : [.create: "added", .update: "changed", .remove: "removed", .restore: "restored"]
            Render.table(z ? ["批次", "时间", "操作人", "操作", "记录", "字段", "原值 → 新值", "原因及说明"] : ["batch", "when", "by", "action", "record", "field", "old → new", "reason, notes"],
                         shown.map { h in
                             // (An undo's rows say which batch they undo: the column was empty, and
                             // only --json had it: helper-139.)
                             let undone = h.label.hasPrefix("undo B") ? String(h.label.dropFirst("undo ".count)) : nil
                             let change = h.field.map { f in
                                 // (The same value set again: a follow-up put back on the agenda;
                                 // `2026-11-25 → 2026-11-25` read as a slip, helper-140.)
                                 h.old == h.new && h.old != nil
                                     ? Render.text(h.kind, f, h.new, archive: archive)
                                         + (undone != nil ? (z ? "（日期不变）" : " (unchanged)") : (z ? "（日期不变，重新列入待办）" : " (unchanged, back on the agenda)"))
                                     : "\(Render.text(h.kind, f, h.old, archive: archive)) → \(Render.text(h.kind, f, h.new, archive: archive))"
                             } ?? ""
                             // (A grade change's result and problems, given with it or later: the later
                             // update showed as an empty 修改 row, black-box finding.)
                             // (An undo's grade or stage change records 撤销批次 B3 as its reason: said once,
                             // not 撤销批次 B3；撤销批次 B3: helper-150.)
                             let reason = undone.map { h.reason == "撤销批次 \($0)" || h.reason == "undo of \($0)" } == true ? nil : h.reason
                             // (A stage move typed in later says when it happened: helper-180 N2.)
                             let happened = h.happenedAt.flatMap { at in
                                 Render.lateEntryNote(happened: at, recorded: h.at).map { _ in z ? "实际变更时间：\(Format.date(at))" : "moved on \(Format.date(at))" }
                             }
                             let notes = [undone.map { z ? "撤销批次 \($0)" : "undo of \($0)" }, happened, reason, h.result.map { z ? "调整结果：\($0)" : "result: \($0)" },
                                          h.problem.map { z ? "存在的问题：\($0)" : "problems: \($0)" }]
                                 .compactMap { $0 }.joined(separator: z ? "；" : "; ")
                             return ["B\(h.batch)", Format.date(h.at), h.actor, ops[h.operation] ?? "", Render.truncate(name(h), 28), h.field.map(Render.label) ?? "",
                                     Render.truncate(change, 50), Render.truncate(notes, 60)]
                         })
            print(z ? "共 \(shown.count) 项变更" : shown.count == 1 ? "1 change" : "\(shown.count) changes")
        }
    }
}

struct Search: ArchiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find text in names, notes and the contact log (Chinese and English alike).",
        discussion: """
            EXAMPLES
              salesvault search 交付周期
              salesvault search huawei --json
            """)
    @Argument(help: "The text to find (case-insensitive).") var text: String
    @Flag(help: "Also search contacts' personal background (secret).") var includeSecret = false
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    var capability: Capability { .read }


    func run(in context: ArchiveContext) throws {
        // (Nothing to find, or white space alone, which found every name with a space: helper-150.)
        guard !text.trimmedWhitespace.isEmpty else {
            throw CLIError(.usage, L("give the text to find (search 交付周期)", "请输入要查找的内容，例如 salesvault search 交付周期"))
        }
        try context.use { archive in
            let hits = try archive.search(text, includeSecret: includeSecret)
            if json {
                try Render.checkJSON(items: hits.count, fieldsEach: 5)
                return try Render.printJSON(hits.map { ["id": $0.entity.shortID, "kind": "\($0.entity.kind)", "name": $0.entity.displayName, "field": $0.field, "text": $0.text] })
            }
            let z = Render.zh
            // (No match: said, not an empty table's header: helper-155.)
            guard !hits.isEmpty else {
                let shown = Terminal.cell(text.trimmedWhitespace)
                print(z ? "没有找到包含“\(shown)”的记录。" + (includeSecret ? "" : "联系人的个人背景默认不查找，如需查找请加 --include-secret。")
                        : "Nothing contains \(shown)." + (includeSecret ? "" : " (Contacts' personal background is not searched without --include-secret.)"))
                return
            }
            Render.table(z ? ["编号", "类型", "名称", "字段", "内容"] : ["id", "kind", "name", "field", "text"],
                         hits.map { [$0.entity.shortID, z ? $0.entity.kind.zh : $0.entity.kind.en, Render.truncate($0.entity.displayName, 24),
                                     Schema.field($0.entity.kind, key: $0.field).map(Render.label) ?? $0.field, Render.truncate($0.text, 50)] })
            print(z ? "共 \(hits.count) 条结果" : hits.count == 1 ? "1 match" : "\(hits.count) matches")
        }
    }
}

struct Stale: ArchiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "List customers not contacted for N days, A and B customers first.",
        discussion: """
            EXAMPLES
              salesvault stale --days 14
            """)
    @Option(parsing: .unconditional, help: "Days without contact.") var days: Int = 14
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws { if !(0...36_500).contains(days) { throw ValidationError("--days must be from 0 to 36500") } }

    var capability: Capability { .read }


    func run(in context: ArchiveContext) throws {
        let now = Clock.now
        context.noteMachineDay(at: now)
        try context.use { archive in
            let list = archive.stale(days: days, now: now)
            if json {
                try Render.checkJSON(items: list.count, fieldsEach: Schema.fields(.customer).count + 5)
                return try Render.printJSON(list.map { e -> [String: Any] in
                    var o = Render.json(e, archive: archive)
                    o["daysSinceContact"] = e["lastContactAt"]?.int.map { Int(Format.days(since: $0, now: now)) } ?? NSNull()
                    return o
                })
            }
            let z = Render.zh
            // (Nobody: said in a sentence, not a bare header: helper-127.)
            if list.isEmpty {
                print(z ? "没有超过 \(days) 天未联系的客户。" : "No customer has gone more than \(days) \(days == 1 ? "day" : "days") without contact.")
                return
            }
            Render.table(z ? ["编号", "等级", "客户", "最近联系", "未联系天数"] : ["id", "grade", "customer", "last contact", "days"],
                         list.map { e in
                             let last = e["lastContactAt"]?.int
                             return [e.shortID, Render.grade(e["grade"]?.text), e.displayName, last.map(Format.date) ?? (z ? "从未联系" : "never"),
                                     last.map { String(Format.days(since: $0, now: now)) } ?? "-"]
                         })
            print(z ? "\(list.count) 家客户超过 \(days) 天未联系" : "\(list.count) \(list.count == 1 ? "customer" : "customers") not contacted for \(days) \(days == 1 ? "day" : "days")")
        }
    }
}
