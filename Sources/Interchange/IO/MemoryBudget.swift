import Foundation
import VaultFormat
#if canImport(Glibc)
import Glibc
#endif

/// Whether the memory a command needs is there, asked before it is taken: an import before the
/// file is read into tables (a file of 1 GiB, the limit, takes many times its size as cells,
/// records and events: a 100 MB contact log peaks near 1 GB, a customer list at about 16 times
/// its size), an export before its tables are built, any command before the archive's records
/// are read. A process that cannot allocate stops without a message (PERFORMANCE.md).
public enum MemoryBudget {
    /// What an import of `size` bytes is counted to need: 16 times the file, and the program.
    static func need(forImportOf size: Int) -> Int { size * 16 + (64 << 20) }

    /// The memory this process can still take: what the system has free (MemAvailable and free
    /// swap), and under a limit of the address space (`ulimit -v`), what is left below it once
    /// the threads it starts have their address space (`threadReserve`). Nil when neither can be
    /// read (then nothing is refused).
    static func available(meminfo: String? = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
                          status: String? = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                          addressSpaceLimit: Int? = addressSpaceLimit(), threadReserve: Int = threadReserve()) -> Int? {
        func kB(_ text: String?, _ key: String) -> Int? {
            guard let line = text?.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 << 10 }
        }
        var budget: Int?
        if let free = kB(meminfo, "MemAvailable") { budget = free + (kB(meminfo, "SwapFree") ?? 0) }
        if let limit = addressSpaceLimit {
            let left = limit - (kB(status, "VmSize") ?? 0) - threadReserve
            budget = min(budget ?? left, left)
        }
        return budget
    }

    /// The address space the threads an import starts take under a limit of it, besides the
    /// memory they use: a stack each (RLIMIT_STACK, 8 MB by default) for a worker per core, the
    /// thread that frees large values and libdispatch's own, and 1 MB each for their share of
    /// the heap (not an arena each: under a limit the CLI keeps every thread to one malloc
    /// arena, `sv_fit_malloc_to_address_space_limit`). A thread libdispatch cannot start
    /// under the limit is retried for ever or stops the process (a 3 MB list under `ulimit -v`
    /// 300000 hung or crashed with 117 MB left and 110 MB counted as its need).
    static func threadReserve(cores: Int = ProcessInfo.processInfo.activeProcessorCount, stack: Int = stackLimit()) -> Int {
        (cores + 3) * (stack + (1 << 20))
    }

    /// A thread's stack size (RLIMIT_STACK; 8 MB when unlimited or not readable).
    static func stackLimit() -> Int {
        var r = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_STACK.rawValue), &r) == 0, r.rlim_cur != rlim_t.max else { return 8 << 20 }
        return min(Int(clamping: r.rlim_cur), 1 << 30)
    }

    static func addressSpaceLimit() -> Int? {
        var r = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &r) == 0, r.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: r.rlim_cur)
    }

    /// An amount of memory for a message: in GB with one decimal; under 1 GB in MB, under 10 MB
    /// with one decimal, under 1 MB in KB; a maximum (`down`) rounded down.
    static func amount(_ n: Int, down: Bool = false) -> String {
        let n = max(n, 0)
        if n >= 1 << 30 { return String(format: "%.1f GB", (Double(n) / Double(1 << 30) * 10).rounded(down ? .down : .toNearestOrAwayFromZero) / 10) }
        let kb = down ? n >> 10 : (n + 512) >> 10
        if kb < 1024 { return "\(kb) KB" }
        if n < 10 << 20 { return String(format: "%.1f MB", (Double(n) / Double(1 << 20) * 10).rounded(down ? .down : .toNearestOrAwayFromZero) / 10) }
        return "\(down ? n >> 20 : (n + (1 << 19)) >> 20) MB"
    }

    /// The end of a refusal: what is left, of the computer's memory or under the limit.
    static func left(_ available: Int, underLimit: Bool) -> (en: String, zh: String) {
        if !underLimit { return ("this computer has \(amount(available, down: true)) free.", "但本机目前只有 \(amount(available, down: true)) 可用内存。") }
        if available >= 1 << 20 {
            return ("this program may take only \(amount(available, down: true)) more: its memory is limited (ulimit -v).",
                    "但本程序受内存上限（ulimit -v）限制，最多还能使用 \(amount(available, down: true))。")
        }
        return ("this program's memory is limited (ulimit -v): less than 1 MB is left.", "但本程序受内存上限（ulimit -v）限制，剩余可用内存不足 1 MB。")
    }

    /// What an export of `cells` values (rows times columns, the header's included) in `format`
    /// is counted to need besides the open archive and its threads: what a 100,000-customer
    /// export (2.3 million cells) took under `ulimit -v` before this check (it ran with about
    /// 110 MB left for CSV, 430 MB for JSON, 450 MB for XLSX, and stopped with less), with some
    /// room to spare, and the program's own 64 MB.
    static func need(forExportOf cells: Int, format: Exporter.Format) -> Int {
        let perCell = switch format {
        case .csv: 40
        case .xlsx, .json: 200
        }
        return cells * perCell + (64 << 20)
    }

    /// Throws when exporting `rows` records (`cells` values) as `format` would need more memory
    /// than there is: said before anything is built, instead of the process stopping without a
    /// message half-way (an XLSX export of 100,000 customers peaks near 520 MB).
    /// `kinds`: how many kinds are asked for (a CSV, of one kind, is advice only for one);
    /// `withRecords`: how many of them have records (one at a time is advice only for several);
    /// `encrypted`: an encrypted workbook (a CSV, plaintext, is then no advice).
    static func check(exportOf rows: Int, cells: Int, format: Exporter.Format, kinds: Int = 1, withRecords: Int? = nil, encrypted: Bool = false,
                      available: Int? = available(), underLimit: Bool = addressSpaceLimit() != nil) throws {
        let need = need(forExportOf: cells, format: format)
        guard let available, need > available else { return }
        let en = "exporting \(rows) \(rows == 1 ? "record" : "records") as \(format.rawValue.uppercased()) would need about \(amount(need)) of memory, and "
            + left(available, underLimit: underLimit).en
        let zh = "导出 \(rows) 条记录（\(format.rawValue.uppercased()) 格式）大约需要 \(amount(need)) 内存，"
            + left(available, underLimit: underLimit).zh
        let csv = format != .csv && !encrypted && kinds == 1
        let oneKind = (withRecords ?? kinds) > 1
        let hint = (underLimit ? "Raise the limit (ulimit -v) and try again" : "Close other programs to free memory and try again")
            + (csv ? "; or export as CSV (--format csv, less memory)." : oneKind ? "; or export one kind of record at a time (--kind customers, contacts, projects…)." : ".")
        let hintZH = (underLimit ? "请提高内存上限（ulimit -v）后重试" : "请关闭其他程序、释放内存后重试")
            + (csv ? "；也可以改为导出 CSV（--format csv，占用内存较少）。" : oneKind ? "；也可以用 --kind 按记录类型（客户、联系人、项目等）分别导出。" : "。")
        throw InterchangeError(.readFailed, en, zh: zh, hint: hint, hintZH: hintZH)
    }

    /// Throws when printing `items` records as JSON (`--json` of a listing: `cells` values)
    /// would need more memory than is left, before anything is built: counted as an export's
    /// JSON is (under `ulimit -v`, `customer list --json` of 100,000 customers stopped with
    /// SIGABRT or SIGSEGV where the table it replaces ran).
    public static func check(listingOf items: Int, cells: Int) throws {
        try check(listingOf: items, cells: cells, available: available(), underLimit: addressSpaceLimit() != nil)
    }

    static func check(listingOf items: Int, cells: Int, available: Int?, underLimit: Bool) throws {
        // (Per value as an export's JSON; 16 MB besides, not an export's 64: a listing of ten
        // records is never refused where the table prints.)
        let need = cells * 200 + (16 << 20)
        guard let available, need > available else { return }
        let en = "printing \(items) \(items == 1 ? "record" : "records") as JSON would need about \(amount(need)) of memory, and " + left(available, underLimit: underLimit).en
        let zh = "以 JSON 格式输出 \(items) 条记录大约需要 \(amount(need)) 内存，" + left(available, underLimit: underLimit).zh
        throw InterchangeError(.readFailed, en, zh: zh,
                               hint: (underLimit ? "Raise the limit (ulimit -v) and try again" : "Close other programs to free memory and try again")
                                   + ", or leave out --json (a table needs less).",
                               hintZH: (underLimit ? "请提高内存上限（ulimit -v）后重试" : "请关闭其他程序、释放内存后重试") + "，或去掉 --json（以表格显示，占用内存较少）。")
    }

    /// What opening an archive whose records take `bytes` is counted to need besides the
    /// program and its threads (`available`): three times the records, and 8 MB. (A 15.6 MB
    /// archive of 100,000 customers opened under `ulimit -v` with 55 MB left by that count, and
    /// stopped with 35 MB; the contact log, not read when the archive opens, is counted too.)
    static func need(forOpening bytes: Int, times: Int = 3) -> Int { bytes * max(times, 3) + (8 << 20) }

    /// Throws when opening `vault`'s records would need more memory than there is, before they
    /// are read: under a tight `ulimit -v` the process stopped with SIGABRT while applying
    /// them, or waited for ever for a thread it could not start (with the archive locked).
    /// `times`: what the command counts on besides (`need(forOpening:times:)`; at least 3);
    /// `extra`: bytes the command needs besides its records (a new password's scrypt).
    public static func check(opening vault: Vault, times: Int = 3, extra: Int = 0) throws {
        try check(openingArchiveOf: Int(clamping: vault.header.bodyLength), name: URL(fileURLWithPath: vault.path).lastPathComponent,
                  times: times, extra: extra, available: available(), underLimit: addressSpaceLimit() != nil)
    }

    static func check(openingArchiveOf bytes: Int, name: String, times: Int = 3, extra: Int = 0, available: Int?, underLimit: Bool) throws {
        let need = need(forOpening: bytes, times: times) + max(extra, 0)
        guard let available, need > available else { return }
        let command = times > 3 || extra > 0  // (what the command builds is counted too)
        // (The records' size only where it says something: "0 KB of records" read oddly.)
        let size = bytes >= 1 << 20 ? (en: " (\(amount(bytes)) of records)", zh: "（记录数据 \(amount(bytes))）") : (en: "", zh: "")
        let en = "opening \(name)\(size.en)\(command ? " and running this command" : "") would need about \(amount(need)) of memory, and "
            + left(available, underLimit: underLimit).en
        let zh = "打开档案“\(name)”\(size.zh)\(command ? "并执行此命令" : "")大约需要 \(amount(need)) 内存，"
            + left(available, underLimit: underLimit).zh
        throw InterchangeError(.readFailed, en, zh: zh,
                               hint: underLimit ? "Raise the limit (ulimit -v) and try again; the archive is unchanged." : "Close other programs to free memory and try again; the archive is unchanged.",
                               hintZH: underLimit ? "请提高内存上限（ulimit -v）后重试。档案未作任何改动。" : "请关闭其他程序、释放内存后重试。档案未作任何改动。")
    }

    /// Throws when importing `size` bytes of `name` would need more memory than there is.
    /// `underLimit`: whether the process runs under a limit of its address space (then the
    /// memory left is what the limit leaves, not what the computer has free).
    static func check(importOf size: Int, name: String, available: Int? = available(), underLimit: Bool = addressSpaceLimit() != nil) throws {
        let need = need(forImportOf: size)
        guard let available, need > available else { return }
        // The largest part that fits, with a fifth to spare.
        let part = max(available - (64 << 20), 0) / 16 * 4 / 5
        let en = "\(name) (\(amount(size))) would need about \(amount(need)) of memory to import, and "
            + left(available, underLimit: underLimit).en
        let zh = "导入“\(name)”（\(amount(size))）大约需要 \(amount(need)) 内存，"
            + left(available, underLimit: underLimit).zh
        // A part too small to be worth it: only more memory helps.
        let split = part >= 1 << 20
        let hint = underLimit
            ? "Raise the limit (ulimit -v)" + (split ? ", or split the file into smaller files (each of at most \(amount(part, down: true))) and import them one by one." : " and try again.")
            : split ? "Split the file into smaller files (each of at most \(amount(part, down: true))) and import them one by one." : "Close other programs to free memory and try again."
        let hintZH = underLimit
            ? "请提高内存上限（ulimit -v）后重试" + (split ? "，或将文件拆分为几个较小的文件（每个不超过 \(amount(part, down: true))）后分别导入。" : "。")
            : split ? "请将文件拆分为几个较小的文件（每个不超过 \(amount(part, down: true))）后分别导入。" : "请关闭其他程序、释放内存后重试。"
        throw InterchangeError(.readFailed, en, zh: zh, hint: hint, hintZH: hintZH)
    }
}
