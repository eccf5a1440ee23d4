import ArgumentParser
import Interchange
import Foundation
import SalesArchive

struct Undo: ArchiveCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo a change (a batch shown by `history`): its inverse is saved as a new change.",
        discussion: """
            Every change is a batch with an id (B1234) that `history` shows. Undo writes
            the opposite changes as a new batch, so nothing is erased and the undo can
            itself be undone. It is refused, and nothing is written, when a later change
            touched the same fields.

            EXAMPLES
              salesvault history --since 2026-11-23
              salesvault undo B42 --dry-run
              salesvault undo B42
            """)
    @Argument(help: "The batch to undo (B42, as `history` shows it).") var batch: String
    @Flag(help: "Only show what the undo would change.") var dryRun = false
    @Flag(help: "With --dry-run: also show secret fields (a contact's personal background).") var includeSecret = false
    @OptionGroup var options: ArchiveOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if CustomerArchive.batchID(batch) == nil { throw ValidationError(L("\(batch) is not a batch id; give it as history shows it, e.g. B42", "“\(batch)”不是有效的批次号，请按 salesvault history 中显示的格式填写，如 B42").text) }
    }

    var capability: Capability { !dryRun ? .write : .read }
    /// The log and the history read back (more than 190 MB left for a 15.6 MB archive: black-box sweep).
    var memoryTimesRecords: Int { 13 }


    func run(in context: ArchiveContext) throws {
        let id = CustomerArchive.batchID(batch)!  // checked in validate
        try context.use { archive in
            let plan: CustomerArchive.PlannedUndo
            do {
                plan = try archive.planUndo(batch: id)
            } catch let e as ArchiveError where e.code == .notFound {
                // (The generic hint named list and search: a batch is found in the history.)
                throw CLIError(.inputRefused, L(e.reason, e.reasonZH ?? e.reason),
                               hint: L("salesvault history lists each change with its batch id (B42); nothing was changed",
                                       "档案未作任何改动。可运行 salesvault history 查看每次更改及其批次号（如 B42）"))
            }
            let events = plan.events, z = Render.zh
            if dryRun {
                let ops: [ChangeEvent.Operation: String] = z ? [.create: "新增", .update: "修改", .remove: "移除", .restore: "恢复"]
                    : [.create: "add", .update: "change", .remove: "remove", .restore: "restore"]
                // (A record the undo brings back and removes again, as an import's person added
                // and removed in one batch: said removed, not also 恢复: helper-189.)
                let removedAfter = Dictionary(events.enumerated().filter { $0.element.operation == .remove }.map { ("\($0.element.kind)\($0.element.id)", $0.offset) },
                                              uniquingKeysWith: max)
                Render.table(z ? ["操作", "记录", "字段", "当前值 → 撤销后"] : ["", "record", "field", "now → after undo"],
                             events.enumerated().filter { i, e in !(e.operation == .restore && (removedAfter["\(e.kind)\(e.id)"] ?? -1) > i) }.map(\.element)
                                 .flatMap { e -> [[String]] in
                                 let name = archive.state.entities(e.kind, e.id).map { "\($0.shortID) \($0.displayName)" } ?? "\(e.kind.idPrefix)\(e.id)"
                                 let changes = e.changes.compactMap { c -> (FieldSpec, FieldChange)? in
                                     guard let spec = Schema.field(e.kind, number: c.field), includeSecret || spec.sensitivity != .secret else { return nil }
                                     return (spec, c)
                                 }
                                 if changes.isEmpty { return [[ops[e.operation] ?? "", Render.truncate(name, 30), "", ""]] }
                                 return changes.map { spec, c in
                                     [ops[e.operation] ?? "", Render.truncate(name, 30), Render.label(spec),
                                      // (A value set again, old and new equal: said as history says it, helper-141.)
                                      Render.truncate(c.old == c.new && c.old != nil
                                          ? Render.text(e.kind, spec, c.new, archive: archive) + (z ? "（日期不变）" : " (unchanged)")
                                          : "\(Render.text(e.kind, spec, c.old, archive: archive)) → \(Render.text(e.kind, spec, c.new, archive: archive))", 50)]
                                 }
                             })
                let records = Set(events.map { "\($0.kind)\($0.id)" }).count
                print(z ? "预览：撤销批次 B\(id) 将改动 \(records) 条记录，本次未保存任何内容" : "Dry run: undoing B\(id) would change \(Format.counted(records, "record")) (nothing saved)")
                Self.sayAlike(events, in: archive.state, preview: true)
                return
            }
            let done = try archive.undo(plan, now: Clock.now)
            print(z ? "已撤销批次 B\(id)：共 \(done.events) 项变更，保存为批次 \(done.name)。" : "Undid B\(id): \(done.events) change\(done.events == 1 ? "" : "s"), saved as \(done.name).")
            Self.sayAlike(events, in: archive.state)
        }
    }

    /// Says each customer or contact the undo brings back beside a live one alike (helper-183
    /// F7, helper-184 N5b); before it, for a dry run (helper-186 F11), or after.
    static func sayAlike(_ events: [ChangeEvent], in state: ArchiveState, preview: Bool = false) {
        let back = preview ? (en: "to be brought back", zh: "撤销后将恢复的") : (en: "brought back", zh: "恢复的")
        // A customer brought back beside one named alike (helper-183 F7).
        let restored = events.filter { $0.kind == .customer && $0.operation == .restore }.map(\.id)
        for (customer, alike) in Identity.alikeAfterRestore(restored, in: state) {
            let en = alike.map { "\($0.customer.shortID) \($0.customer.displayName) (\($0.reason))" }.joined(separator: "; ")
            let zh = alike.map { "\($0.customer.shortID) \($0.customer.displayName)（\($0.reasonZH)）" }.joined(separator: "；")
            Terminal.stderr(Terminal.yellow(L("note: \(customer.shortID) \(customer.displayName), \(back.en), may be the same company as \(en); if so, keep one and remove the other (salesvault customer remove)",
                                              "注意：\(back.zh)客户 \(customer.shortID) \(customer.displayName)与档案中的 \(zh)可能是同一家。如是，请保留其一，另一家可用 salesvault customer remove 移除").text) + "\n")
        }
        // A contact brought back beside one of their customer's alike (helper-184 N5b).
        // (Not one the undo removes again, added and removed by the batch: helper-188 M2.)
        let goneAgain = Set(events.filter { $0.kind == .contact && $0.operation == .remove }.map(\.id))
        let people = events.filter { $0.kind == .contact && $0.operation == .restore && !goneAgain.contains($0.id) }.map(\.id)
        for (person, alike) in Identity.contactsAlikeAfterRestore(people, in: state) {
            let company = person["customer"]?.ref.flatMap { state.entityIncludingRemoved(.customer, $0) }?.displayName ?? ""
            let en = alike.map { "\($0.customer.shortID) \($0.customer.displayName) (\($0.reason))" }.joined(separator: "; ")
            let zh = alike.map { "“\($0.customer.displayName)”（\($0.customer.shortID)，\($0.reasonZH)）" }.joined(separator: "、")
            Terminal.stderr(Terminal.yellow(L("note: \(person.shortID) \(person.displayName) of \(company), \(back.en), may be the same person as \(en); if so, keep one and remove the other (salesvault contact remove)",
                                              "注意：\(back.zh)联系人“\(person.displayName)”（\(person.shortID)，\(company)）与该客户现有联系人\(zh)可能是同一人。如确为同一人，请只保留一位，另一位可用 salesvault contact remove 移除").text) + "\n")
        }
    }
}
