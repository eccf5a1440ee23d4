import Foundation

/// The compliance check's `problem` and escrow notes in Chinese (DEPARTMENT.md §6). JSON keeps
/// the English texts (JSON.md §6.2); the table, and the CSV of a Chinese user, show these. A
/// text no rule knows stays as it is (the library's reasons through `FullCheckText.chineseReason`).
public enum ComplianceText {
    /// A row's `problem` ("a; b; c", each part one problem) in Chinese, parts joined by "；".
    public static func problemZH(_ problem: String) -> String {
        parts(problem).map(partZH).joined(separator: "；")
    }

    /// An escrow note (`escrowDetail`: "a; b") in Chinese.
    public static func escrowDetailZH(_ detail: String) -> String {
        parts(detail).map { part in
            if part == EscrowShareReview.legacyNote { return EscrowShareReview.legacyNoteZH }
            // (Names listed with 、 and no spaces around them.)
            if part.hasPrefix("no slot for ") { return "缺少" + part.dropFirst(12).replacingOccurrences(of: ", ", with: "、") + "的托管槽（这些经理无法通过托管打开此档案）" }
            if part.hasPrefix("still open to ") { return part.dropFirst(14).replacingOccurrences(of: ", ", with: "、") + "已不是经理，但仍能打开此档案" }
            return translate(part, escrowRules) ?? part
        }.joined(separator: "；")
    }

    /// The problems of a row's `problem`: "a; b (c; d); e" split at "; " outside parentheses,
    /// a part that does not begin a problem kept with the one before it (a message of its own
    /// with "; " inside: `owner signature INVALID: …; after an escrow reset …`).
    public static func parts(_ text: String) -> [String] {
        var out: [String] = []
        for part in split(text) {
            if let last = out.last, !beginsProblem(part) { out[out.count - 1] = last + "; " + part } else { out.append(part) }
        }
        return out
    }

    static let problemStarts = ["foreign: ", "temporary file: ", "unreadable: ", "weak KDF", "owner mismatch", "duplicate archive id", "escrow use removed",
                                "audit log ", "unsigned: ", "not enrolled: ", "new key: ", "owner signature INVALID", "verify: ", "missing: ",
                                "password change: ", "data key rotation: ", "header copy "]

    static func beginsProblem(_ part: String) -> Bool {
        problemStarts.contains { part.hasPrefix($0) } || part.hasSuffix(" has an enrolled key")
    }

    static func split(_ text: String) -> [String] {
        var out: [String] = [], current = "", depth = 0
        var rest = Substring(text)
        while let c = rest.first {
            if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
            if depth == 0 && rest.hasPrefix("; ") {
                out.append(current)
                current = ""
                rest = rest.dropFirst(2)
                continue
            }
            current.append(c)
            rest = rest.dropFirst()
        }
        out.append(current)
        return out
    }

    static func partZH(_ part: String) -> String {
        if let date = RotationPolicy.DateProblem(rawValue: part) { return date.zh }
        for (prefix, zh) in [("foreign: ", "非档案文件："), ("unreadable: ", "无法读取："), ("verify: ", "完整校验未通过："),
                             ("audit log unreadable: ", "审计日志无法读取：")] where part.hasPrefix(prefix) {
            let rest = String(part.dropFirst(prefix.count))
            let once = translate(rest, reasonRules) ?? rest
            return zh + FullCheckText.chineseReason(once)
        }
        if let m = match(part, #"^header copy ([AB]) damaged \((.*)\): the owner runs salesvault repair on (.+)$"#) {
            return "档案头副本 \(m[0]) 已损坏（\(FullCheckText.chineseReason(m[1]))）：请档案所有人对 \(m[2]) 运行 salesvault repair"
        }
        if let m = match(part, #"^missing: (.+) is registered but this is not an archive \((.*)\)$"#) {
            return "缺失：\(m[0])已在部门登记，但此文件不是档案（\(problemZH(m[1]))）"
        }
        if let m = match(part, #"^owner signature INVALID: (.*)$"#) {
            // (What was found, then who could have done it: each said in Chinese.)
            var body = m[0], tail = ""
            for (en, zh) in signatureTails where body.hasSuffix(en) {
                body = String(body.dropLast(en.count))
                tail = zh
                break
            }
            return "所有人签名无效：" + (translate(body, signatureRules) ?? FullCheckText.chineseReason(body)) + tail
        }
        return translate(part, problemRules) ?? part
    }

    /// Reasons after `foreign:`, `unreadable:` and `verify:` that are the check's own.
    static let reasonRules: [(String, String)] = [
        (#"^record \d+: (record \d+ .*)$"#, "$1"),
        (#"^the audit log (.+) is not a regular file \(a FIFO, device or folder\): refused$"#, "审计日志 $1 不是普通文件（是管道、设备或文件夹），已拒绝读取"),
        (#"^the audit log (.+) is a symbolic link: refused$"#, "审计日志 $1 是符号链接，已拒绝读取"),
        (#"^(.+) is not a folder \(a symbolic link or another file\): refused$"#, "$1 不是文件夹（是符号链接或其他文件），已拒绝读取"),
        (#"^not a regular file \(not opened\)$"#, "不是普通文件（未打开）"),
        (#"^not a \.svault file$"#, "扩展名不是 .svault"),
        (#"^truncated$"#, "文件不完整（被截断）"),
        (#"^the file name is not valid UTF-8 \(not opened\): rename it \(e\.g\. to OWNER\.svault\) and check again$"#,
         "文件名不是有效的 UTF-8 编码，无法核对（未打开）。请将其改名（例如“张伟.svault”）后重新检查"),
        (#"^the file name is not valid UTF-8 \(not opened\)$"#, "文件名不是有效的 UTF-8 编码（未打开）"),
    ]

    static let problemRules: [(String, String)] = [
        (#"^temporary file: left by an interrupted save of (.+) \(its owner's next change removes it\)$"#, "临时文件：档案 $1 上次保存中断时留下的临时文件，将在该档案所属销售人员下次修改档案时自动删除，无需处理"),
        (#"^weak KDF: scrypt 2\^(\d+) below 2\^(\d+)$"#, "密码保护强度不足：scrypt 2^$1，低于部门要求的 2^$2"),
        (#"^owner mismatch: registered for (.+)$"#, "所有人不符：此文件在部门名册中登记为$1的档案"),
        (#"^duplicate archive id: same as (.+)$"#, "档案编号重复：与 $1 相同（可能是同一档案的两个副本）"),
        (#"^escrow use removed: (\d+) logged uses? missing from the archive \(entries (.*)\)$"#,
         "托管访问记录被删除：审计日志中的 $1 次托管访问在档案中找不到（日志第 $2 条）"),
        (#"^audit log altered: (\d+) lines? with a bad signature, malformed or out of chain$"#,
         "审计日志被改动：$1 行签名不符、格式有误或前后不衔接"),
        (#"^audit log altered: (\d+) bytes, larger than (\d+) MiB.*$"#, "审计日志被改动：共 $1 字节，超过 $2 MiB 上限（疑似被塞入多余内容）"),
        (#"^audit log missing: the archive records (\d+) escrow uses?, the last on (\S+), but .*$"#,
         "审计日志缺失：档案记有 $1 次托管访问（最近一次 $2），部门却没有它的审计日志。可能是日志被删除或清空，也可能是托管打开在写入日志之前中断，或访问发生在日志启用之前、部门之外"),
        (#"^unsigned: no owner signature \(written by an earlier version, or after an escrow reset until the owner's new password\)$"#,
         "未签名：档案没有所有人签名（由较早版本写入，或经托管重置密码后本人尚未设置新密码）"),
        (#"^(.+) has an enrolled key$"#, "$1已在部门名册中登记签名密钥"),
        (#"^not enrolled: the owner key (.+?) is not in the registry \(salesvault dept enroll\)$"#,
         "未登记：所有人签名密钥 $1 不在部门名册中（请运行 salesvault dept enroll）"),
        (#"^new key: signed with (.+?), not the key enrolled for (.+?) \((.+?)\), after an escrow password reset the department logged; once (.+?) confirms it is theirs, enroll it \(salesvault dept enroll\)$"#,
         "新密钥待登记：部门记录过对该档案的托管重置密码，之后档案改用新签名密钥 $1（部门登记的是 $3）。请与$4本人核实后运行 salesvault dept enroll 登记"),
        (#"^missing: (.+) is registered but has no archive file$"#, "缺失：$1已在部门登记，但没有档案文件"),
        (#"^missing: (.+) is registered but (.+) is a folder, not an archive file$"#, "缺失：$1已在部门登记，但 $2 是文件夹，不是档案文件"),
    ]

    static let signatureTails: [(String, String)] = [
        (": changed by someone holding the data key (e.g. through escrow), or damaged on disk (salesvault verify tells which)",
         "。可能是持有数据密钥的人（例如经托管打开档案的经理）改动过档案，也可能是文件在磁盘上损坏；由该销售员本人运行 salesvault verify 即可查明是哪一种"),
        (": changed by someone holding the data key (e.g. through escrow), or an old copy put back", "：持有数据密钥的人（例如经托管打开）改动过档案，或放回了旧副本"),
        (": changed by someone holding the data key (e.g. through escrow)", "：持有数据密钥的人（例如经托管打开）改动过档案"),
    ]

    static let signatureRules: [(String, String)] = [
        (#"^the owner signature was removed \(no owner secrets, no signature, no escrow reset pending\) although the department enrolled (.+?)'s key (.+)$"#,
         "所有人签名已被删除（档案头中既没有所有人密钥数据和签名，也没有待完成的托管重置），而部门已为$1登记了签名密钥 $2"),
        (#"^the owner signature was removed and the archive made to look reset through escrow: the department's audit log has no escrow password reset of it made while (.+?)'s key (.+) was enrolled$"#,
         "所有人签名已被删除，档案被伪装成经过托管重置：部门审计日志中没有在$1的签名密钥 $2 登记期间对本档案所做的托管重置记录"),
        (#"^signed with (.+?), the key enrolled for (.+?) until the escrow password reset of (.+?), not the key enrolled now \((.+?)\): a copy from before that reset$"#,
         "签名密钥为 $1，是$2在 $3 托管重置密码之前登记的旧密钥，不是现在登记的密钥（$4）：档案可能是重置之前的旧副本"),
        (#"^signed with (.+?), not the key enrolled for (.+?) \((.+?)\), and no escrow password reset the department logged while that key was enrolled explains it$"#,
         "签名密钥为 $1，不是$2在部门登记的密钥（$3），且部门审计日志中没有在该密钥登记期间对本档案所做的托管重置可以解释"),
        (#"^the records could not be read \((.*)\)$"#, "无法读取档案记录（$1）"),
        (#"^the records are not the ones the owner signed \(a record was rewritten, removed or replaced\)(.*)$"#, "档案记录与本人签名时不一致（有记录被改写、删除或替换）$1"),
        (#"^the records before the checkpoint are not the ones the owner signed(.*)$"#, "检查点之前的记录与本人签名时不一致$1"),
        (#"^the records are not the ones the owner signed \((.*)\)(.*)$"#, "档案记录与本人签名时不一致（$1）$2"),
    ]

    static let escrowRules: [(String, String)] = [
        (#"^pins another administrator key$"#, "绑定的是另一把管理员密钥"),
        (#"^not created in this department$"#, "不是在本部门创建的档案"),
        (#"^pins registry serial (\d+), beyond 2\^31: the owner runs escrow update$"#, "绑定的登记序号 $1 超过 2^31，请本人运行 salesvault escrow update"),
        (#"^the registry \(serial (\d+)\) is older than one this archive has seen \((\d+)\)$"#, "部门名册（第 $1 版）比本档案记录的版本（第 $2 版）旧，可能被换成了旧名册"),
        (#"^threshold (\d+), policy (\d+)$"#, "须 $1 位经理共同打开，部门规定为 $2 位"),
        (#"^a removed manager's slot was dropped; the data key was not rotated since$"#, "已删除离任经理的托管槽，但此后数据密钥尚未更换"),
        // (Without brackets: it is said inside the status's own, 须更换数据密钥（…）: helper-199.)
        (#"^a removed manager's slot was dropped, or compromised stopped before its new key: the data key was not rotated since$"#,
         "已删除离任经理的托管密钥，或上次执行 salesvault compromised 时在更换数据密钥前中断，之后一直未更换"),
        (#"^(\d+) slots?, no registry to compare$"#, "$1 个托管槽（无部门名册可比对）"),
    ]

    /// `text` by the first rule (pattern, template) whose pattern matches it; nil when none does.
    static func translate(_ text: String, _ rules: [(String, String)]) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        for (pattern, template) in rules {
            guard let re = try? NSRegularExpression(pattern: pattern), re.firstMatch(in: text, range: range) != nil else { continue }
            return re.stringByReplacingMatches(in: text, range: range, withTemplate: template)
        }
        return nil
    }

    static func match(_ text: String, _ pattern: String) -> [String]? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (1..<m.numberOfRanges).map { Range(m.range(at: $0), in: text).map { String(text[$0]) } ?? "" }
    }
}
