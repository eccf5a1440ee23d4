import Foundation
import SalesArchive

/// What a table (a sheet, or a CSV file) holds (INTERCHANGE.md §2).
public enum ImportKind: String, CaseIterable, Sendable {
    case customers, contacts, projects, log, complaints

    public var entity: EntityKind {
        switch self {
        case .customers: return .customer
        case .contacts: return .contact
        case .projects: return .project
        case .log: return .activity
        case .complaints: return .complaint
        }
    }

    /// The sheet name an export and a template use, in either language.
    public func sheetName(zh: Bool) -> String {
        switch self {
        case .customers: return zh ? "客户" : "Customers"
        case .contacts: return zh ? "联系人" : "Contacts"
        case .projects: return zh ? "项目" : "Projects"
        case .log: return zh ? "跟进记录" : "Contact log"
        case .complaints: return zh ? "投诉" : "Complaints"
        }
    }

    /// The names a user may give it (`--kind`, `--template`) and sheets may carry.
    static let names: [ImportKind: [String]] = [
        .customers: ["customers", "customer", "客户", "客户档案", "客户资料", "客户信息", "客户名单", "客户列表", "accounts", "companies"],
        .contacts: ["contacts", "contact", "联系人", "联系人信息", "客户联系人", "people"],
        .projects: ["projects", "project", "项目", "项目信息", "商机", "opportunities"],
        .log: ["log", "contact log", "contactlog", "activities", "activity", "跟进记录", "跟进", "联系记录", "拜访记录", "沟通记录", "客户跟进"],
        .complaints: ["complaints", "complaint", "投诉", "投诉记录", "客户投诉"],
    ]

    /// The kind a user's word or a sheet's name says, if any.
    public init?(name: String) {
        let key = Columns.normalise(name)
        guard let kind = Self.allCases.first(where: { k in Self.names[k]!.contains { Columns.normalise($0) == key } }) else { return nil }
        self = kind
    }

    /// The kinds in the order an import applies them (a row may refer to rows of earlier kinds).
    public static let order: [ImportKind] = [.customers, .contacts, .projects, .log, .complaints]
}

/// Where a column's values go.
public enum ColumnTarget: Hashable, Sendable {
    /// A field of the table's kind, by its key.
    case field(String)
    /// The record's id in the file it came from (`C12` in an export): other rows may refer to it.
    case sourceID
    /// For customers: a contact person on the same row (联系人, 手机, 职务…), by contact field key.
    case inlineContact(String)
    /// The reason of a grade change, when an import updates a customer's grade, of a stage
    /// change, when it moves a project, or of a complaint's withdrawal (撤诉/不成立原因).
    case gradeReason
    /// A value SalesVault computes itself (last contact, stage since, status…): read, never imported.
    case computed
    /// A complaint's status (已撤诉, 不成立): computed too, and listed so, but read to tell a
    /// complaint withdrawn by the customer from one found unfounded, both of which give the
    /// time in 撤诉/不成立时间 (a withdrawn complaint came back open: black-box finding).
    case complaintStatus
    /// A project's 进入阶段 (computed too): read only for a project the import adds at a later
    /// stage, as when it entered that stage (an export's projects all entered theirs at the
    /// import: helper-201 2).
    case stageSince
    /// A project's 阶段变更记录 (an export's moves between stages, `StageHistoryText`): read only
    /// for a project the import adds, whose moves it makes again.
    case stageHistory
    /// A complaint's 编号 (computed too): kept for a complaint the import adds when it is one as
    /// this archive numbers them and no other complaint has it (the customer was given it: an
    /// import renumbered them: helper-201 4).
    case complaintNumber
    /// For contacts: the person was removed in the archive the file was exported from (已移除,
    /// what an export writes for a removed person its records name: INTERCHANGE.md §6.1).
    case removedMark
    /// Left out on purpose (a mapping file's `-`).
    case skipped
}

/// Header names to fields, per kind (INTERCHANGE.md §2): each field's key and its English and
/// Chinese labels, plus the names Chinese and English spreadsheets use for them.
public enum Columns {
    /// A header as compared: half-width, lower case, without spaces, `*` (required marks), and
    /// a trailing bracketed note (客户名称(必填)).
    /// (Scalar by scalar, without Foundation: the header search folds every cell of a table's
    /// first rows, 16,384 of them in a row as wide as Excel's. ImportFastPathTests holds it to the
    /// Foundation-based folding it replaces.)
    public static func normalise(_ header: String) -> String {
        var s = Identity.halfWidth(header).lowercased()
        // （ and ） as ( and ): one scalar each (half-width folding has made them so already).
        if s.unicodeScalars.contains(where: { $0.value == 0xFF08 || $0.value == 0xFF09 }) {
            s = String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value == 0xFF08 ? "(" : $0.value == 0xFF09 ? ")" : $0 }))
        }
        if s.hasSuffix(")"), let open = s.lastIndex(of: "("), open != s.startIndex { s = String(s[..<open]) }
        // (金额【万元】, 金额[万元]: a bracketed note too.)
        for (o, c) in [("【", "】"), ("[", "]")] where s.hasSuffix(c) {
            if let open = s.lastIndex(of: Character(o)), open != s.startIndex { s = String(s[..<open]) }
        }
        let dropped = { (u: Unicode.Scalar) -> Bool in
            u.value < 0x80 ? u == " " || (0x09...0x0D).contains(u.value) || u == "*" || u == "_" || u == "-" : u.properties.isWhitespace
        }
        guard s.unicodeScalars.contains(where: dropped) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { !dropped($0) }))
    }

    /// A header cell folded once (`normalise`, and each part of "客户名称/Company"), to be looked
    /// up for several kinds: the header search asks every kind about the same cells.
    struct HeaderText {
        /// Nil for a cell of over 1 KiB, which is no header.
        let whole: String?
        /// The parts between `/`, `|` and `／`, when there are such separators.
        let parts: [String]

        init(_ header: String) {
            // A cell of over 1 KiB is no header (the header search looks at every cell of the
            // first rows): not folded, which took seconds per MiB of a hostile cell.
            guard header.utf8.count <= 1024 else { (whole, parts) = (nil, []); return }
            whole = normalise(header)
            parts = header.contains(where: { "/|／".contains($0) })
                ? header.split(whereSeparator: { "/|／".contains($0) }).map { normalise(String($0)) } : []
        }
    }

    static let synonyms: [ImportKind: [String: [String]]] = [
        .customers: [
            "name": ["客户名称", "公司名称", "单位名称", "企业名称", "客户", "公司", "单位", "名称", "客户全称", "company", "customer", "customername",
                     "companyname", "account", "accountname", "organisation", "organization"],
            "code": ["客户编号", "客户代码", "客户编码", "编号", "customercode", "customerno", "code"],
            "shortName": ["简称", "客户简称", "shortname"],
            "aliases": ["别名", "其他名称", "曾用名", "alias", "aliases", "othernames"],
            "grade": ["客户等级", "等级", "级别", "客户级别", "客户分级", "level", "grade", "rating", "customerlevel"],
            "industry": ["行业", "所属行业", "industry", "sector"],
            "region": ["地区", "区域", "所在地区", "所在地", "省份", "城市", "region", "area", "city", "province"],
            "address": ["地址", "通信地址", "联系地址", "公司地址", "详细地址", "address"],
            "phone": ["电话", "联系电话", "公司电话", "座机", "总机", "phone", "telephone", "tel"],
            "website": ["网站", "网址", "官网", "website", "web", "url"],
            "email": ["邮箱", "电子邮件", "电子邮箱", "email", "mail"],
            "source": ["来源", "客户来源", "source", "leadsource"],
            "note": ["备注", "说明", "note", "notes", "remark", "remarks", "comment"],
            "creditCode": ["统一社会信用代码", "信用代码", "社会信用代码", "纳税人识别号", "税号", "creditcode", "unifiedsocialcreditcode", "uscc", "taxid"],
            "nextFollowUp": ["下次跟进", "下次跟进日期", "下次联系", "下次联系日期", "nextfollowup"],
            "status": ["状态", "客户状态", "status"],
        ],
        .contacts: [
            "customer": ["客户", "客户名称", "公司", "公司名称", "单位", "单位名称", "所属客户", "所属公司", "company", "customer", "account",
                         "统一社会信用代码", "客户编号"],
            "name": ["姓名", "联系人", "联系人姓名", "名字", "name", "contact", "contactname", "fullname"],
            "title": ["职务", "职位", "头衔", "title", "position", "jobtitle"],
            "department": ["部门", "所在部门", "department", "dept"],
            "mobile": ["手机", "手机号", "手机号码", "移动电话", "mobile", "cell", "cellphone", "mobilephone"],
            "phone": ["电话", "办公电话", "座机", "固定电话", "phone", "telephone", "officephone", "tel"],
            "email": ["邮箱", "电子邮件", "电子邮箱", "email", "mail"],
            "wechat": ["微信", "微信号", "wechat", "weixin"],
            "role": ["决策角色", "角色", "role"],
            "attitude": ["态度", "立场", "attitude"],
            "background": ["个人背景", "背景", "background"],
            "note": ["备注", "说明", "note", "notes", "remark"],
            "keyPerson": ["关键人", "是否关键人", "keyperson"],
        ],
        .projects: [
            "customer": ["客户", "客户名称", "公司", "公司名称", "单位", "单位名称", "所属客户", "company", "customer", "account", "统一社会信用代码", "客户编号"],
            "name": ["项目名称", "项目", "项目名", "商机名称", "project", "projectname", "name"],
            "stage": ["销售阶段", "阶段", "项目阶段", "所处阶段", "当前阶段", "商机阶段", "stage"],  // (所处阶段, 当前阶段: helper-127)
            "budget": ["预算", "项目预算", "预算金额", "客户预算", "budget"],
            "procurementPlan": ["采购计划", "procurementplan"],
            "bidMethod": ["采购方式", "招标方式", "bidmethod"],
            "expectedBid": ["预计投标", "预计投标日期", "预计投标时间", "投标日期", "投标时间", "expectedbid"],
            "expectedSign": ["预计签约", "预计签约日期", "预计签约时间", "签约日期", "签约时间", "expectedsign"],
            "requirements": ["需求", "客户需求", "requirements"],
            "decisionMakers": ["决策人", "decisionmakers"],
            "competition": ["竞争情况", "竞争对手", "competition"],
            "amount": ["金额", "合同金额", "项目金额", "预计金额", "成交金额", "签约金额", "amount"],
            "progress": ["进展", "项目进展", "progress"],
            "problems": ["存在问题", "问题", "problems"],
        ],
        .log: [
            "customer": ["客户", "客户名称", "公司", "公司名称", "单位", "单位名称", "所属客户", "company", "customer", "account", "统一社会信用代码", "客户编号"],
            "type": ["方式", "跟进方式", "联系方式", "跟进类型", "类型", "type", "method"],
            "at": ["时间", "日期", "跟进时间", "跟进日期", "拜访时间", "拜访日期", "联系时间", "联系日期", "date", "time", "when", "at"],
            "summary": ["跟进内容", "内容", "沟通内容", "摘要", "记录", "拜访内容", "summary", "content", "notes"],
            "contacts": ["联系人", "参与人", "拜访对象", "with", "contacts", "contact"],
            "project": ["项目", "相关项目", "项目名称", "project"],
            "nextStep": ["下一步", "下一步计划", "nextstep"],
            "nextDate": ["下次日期", "下次跟进", "下次跟进日期", "nextdate"],
            "location": ["地点", "拜访地点", "location", "place"],
        ],
        .complaints: [
            "customer": ["客户", "客户名称", "公司", "公司名称", "单位", "所属客户", "company", "customer", "统一社会信用代码", "客户编号"],
            "receivedAt": ["受理时间", "投诉时间", "投诉日期", "受理日期", "received", "receivedat"],
            "subject": ["被投诉人/部门", "被投诉人", "被投诉部门", "投诉对象", "about", "subject"],
            "description": ["投诉内容", "内容", "description"],
            "managerNotifiedAt": ["已通报销售经理", "通报经理时间", "通报销售经理时间", "managernotifiedat"],
            "directorNotifiedAt": ["已通报销售总监", "通报总监时间", "通报销售总监时间", "directornotifiedat"],
            "coordinator": ["协调人", "coordinator"],
            "resolution": ["处理结果", "处理意见", "resolution"],
            "resolvedAt": ["处理时间", "解决时间", "resolvedat"],
            "surveyedAt": ["回访时间", "回访日期", "surveyedat"],
            "satisfaction": ["满意度", "satisfaction"],
            "surveyComment": ["回访意见", "surveycomment"],
            "channel": ["渠道", "投诉渠道", "channel"],
            "complainant": ["投诉人", "complainant"],
            "surveyedBy": ["回访人", "surveyedby"],
            // (撤诉时间 alone was not read, the complaint left open: helper-120. Which of the two a
            // header names alone is what it says, `Importer.headerSaysUnfounded`.)
            "withdrawnAt": ["撤诉/不成立时间", "撤诉时间", "撤诉日期", "不成立时间", "认定不成立时间", "withdrawnat"],
        ],
    ]

    /// Columns SalesVault fills itself, per kind: recognised and listed as not imported.
    static let computed: [ImportKind: Set<String>] = [
        .customers: ["lastContactAt"], .contacts: ["lastContactAt"], .projects: ["stageSince"],
        .log: [], .complaints: ["number", "status"],
    ]
    static let commonComputed = ["创建时间", "更新时间", "修改时间", "创建人", "录入人", "createdat", "updatedat", "createdby", "本周变更",
                                 "未导入原因", "why not imported"]
    static let sourceIDNames = ["id", "记录号", "记录编号", "系统编号"]
    /// A contact list's column saying a person was removed (`ColumnTarget.removedMark`).
    static let removedMarkNames = ["已移除", "是否已移除", "removed"]
    static let gradeReasonNames = ["等级调整原因", "调整原因", "原因", "gradereason", "reason"]
    /// A withdrawn or unfounded complaint's reason (what `complaint withdraw --reason` gives),
    /// read as the withdrawal's; written by an export under `withdrawalReasonHeader`.
    static let withdrawalReasonNames = ["撤诉/不成立原因", "撤诉或不成立原因", "撤诉原因", "不成立原因", "原因", "withdrawalreason", "reason"]
    static func withdrawalReasonHeader(zh: Bool) -> String { zh ? "撤诉/不成立原因" : "withdrawal reason" }
    /// A project's moves between stages (`ColumnTarget.stageHistory`); written by an export
    /// under `stageHistoryHeader`.
    static let stageHistoryNames = ["阶段变更记录", "阶段历程", "阶段记录", "阶段变更历史", "stagehistory", "stagechanges"]
    static func stageHistoryHeader(zh: Bool) -> String { zh ? "阶段变更记录" : "stage history" }
    static let stageReasonNames = ["阶段调整原因", "阶段变更原因", "调整原因", "变更原因", "原因", "stagereason", "reason"]
    /// A contact person on a customer row (客户名称, 联系人, 手机 in one sheet).
    static let inlineContact: [String: [String]] = [
        "name": ["联系人", "联系人姓名", "contact", "contactname", "contactperson"],
        "mobile": ["手机", "手机号", "手机号码", "联系人手机", "mobile"],
        "title": ["职务", "职位", "联系人职务", "title", "position"],
        "wechat": ["微信", "微信号", "wechat"],
        "phone": ["联系人电话", "联系人座机", "联系人固话", "contactphone"],
        "email": ["联系人邮箱", "联系人电子邮箱", "联系人email", "contactemail"],
    ]

    /// Every name → target of one kind, built once.
    /// The first character of every header name of every kind (as `normalise` folds it): a
    /// cell that starts with none of them names no field (`Importer.repeatsHeader` asks it of
    /// every data row before anything dearer).
    static let initials: Set<Unicode.Scalar> = Set(tables.values.flatMap { $0.keys.compactMap(\.unicodeScalars.first) })

    /// The first character `normalise` would keep of `text` (full width made half, lower case,
    /// white space and `*` `_` `-` skipped).
    static func initial(_ text: String) -> Unicode.Scalar? {
        for s in text.unicodeScalars {
            let a = s.asciiForm
            if a.isWhiteSpaceFast || a == "*" || a == "_" || a == "-" { continue }
            return ("A"..."Z").contains(a) ? Unicode.Scalar(a.value + 32)! : a
        }
        return nil
    }

    static let tables: [ImportKind: [String: ColumnTarget]] = {
        var out: [ImportKind: [String: ColumnTarget]] = [:]
        for kind in ImportKind.allCases {
            var map: [String: ColumnTarget] = [:]
            func add(_ name: String, _ target: ColumnTarget) {
                let n = normalise(name)
                if !n.isEmpty, map[n] == nil { map[n] = target }
            }
            for (key, names) in synonyms[kind]! { for n in names { add(n, .field(key)) } }
            for spec in Schema.fields(kind.entity) {
                let target: ColumnTarget = kind == .complaints && spec.key == "status" ? .complaintStatus
                    : kind == .projects && spec.key == "stageSince" ? .stageSince
                    : kind == .complaints && spec.key == "number" ? .complaintNumber
                    : computed[kind]!.contains(spec.key) ? .computed : .field(spec.key)
                for n in [spec.key, spec.en, spec.zh] { add(n, target) }
            }
            for n in sourceIDNames { add(n, .sourceID) }
            for n in commonComputed { add(n, .computed) }
            if kind == .projects {
                // (A stage change's own reason: every move was recorded as 根据导入文件“F”调整,
                // the column listed as unknown: helper-125.)
                for n in stageReasonNames { add(n, .gradeReason) }
                for n in stageHistoryNames { add(n, .stageHistory) }
            }
            if kind == .complaints {
                for n in withdrawalReasonNames { add(n, .gradeReason) }
            }
            if kind == .contacts {
                for n in removedMarkNames { add(n, .removedMark) }
            }
            if kind == .customers {
                for n in gradeReasonNames { add(n, .gradeReason) }
                for (key, names) in inlineContact { for n in names { add(n, .inlineContact(key)) } }
            }
            out[kind] = map
        }
        return out
    }()

    /// The target of `header` in a table of `kind`: the user's mapping first, then the names
    /// above; a header written in both languages ("客户名称 / Name") by either half.
    public static func target(_ header: String, kind: ImportKind, mapping: ColumnMapping = ColumnMapping()) -> ColumnTarget? {
        target(HeaderText(header), kind: kind, mapping: mapping)
    }

    static func target(_ header: HeaderText, kind: ImportKind, mapping: ColumnMapping) -> ColumnTarget? {
        guard let whole = header.whole else { return nil }
        if let t = mapping.target(normalised: whole, kind: kind) { return t }
        let map = tables[kind]!
        if let t = map[whole] { return t }
        for part in header.parts {
            if let t = map[part] { return t }
        }
        return nil
    }

    /// The header an export or a template writes for a field: the label in the user's
    /// language, which `target` maps back.
    public static func header(_ spec: FieldSpec, zh: Bool) -> String { zh ? spec.zh : spec.en }
}

/// A user's own header names (`--mapping FILE`): one `header = field` per line, `#` comments,
/// optionally `kind: header = field` for one kind only, and `header = -` to leave a column out.
/// The field is a key (`creditCode`) or a label (`统一社会信用代码`).
public struct ColumnMapping: Sendable {
    struct Entry: Sendable {
        let kind: ImportKind?
        let header: String
        let target: ColumnTarget
        /// The line of the mapping file and the header as written there (for a line no column uses).
        var line = 0
        var written = ""
    }
    private var entries: [Entry] = []
    /// Each header's entries, in the order written (a line looked up by its header, not found by
    /// going through every line: a mapping of 140,000 lines took 52 s with the archive locked).
    private var byHeader: [String: [Int]] = [:]
    /// Whether a mapping file was given, read or not (`notRead`).
    public private(set) var given = false

    public init() {}

    /// A mapping file given for an import that does not use one (SalesVault's own JSON export):
    /// not read, so that nothing in it can stop the import; the preview says it was ignored.
    public static let notRead: ColumnMapping = { var m = ColumnMapping(); m.given = true; return m }()

    /// Reads the mapping file at `path` (at most 1 MiB, its encoding detected as an import's).
    public init(contentsOf path: String) throws {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 1 << 20 {
            // (Not the advice for a file to import, to split it: a mapping is one short line a column.)
            let name = AtomicFile.shown(URL(fileURLWithPath: path).lastPathComponent)
            throw InterchangeError(.mapping, "the mapping file \(name) is larger than 1 MB; a mapping has one short line per column",
                                   zh: "对照表文件“\(name)”超过 1 MB 上限；对照表每列只需一行。",
                                   hint: "check that --mapping names the mapping file, not the file to import", hintZH: "请确认 --mapping 后写的是对照表文件，而不是要导入的文件。")
        }
        let data = try AtomicFile.readInput(path, limit: 1 << 20)
        let text: String
        do { text = try TextEncoding.decode(data, as: TextEncoding.detect(data)) } catch let error as InterchangeError {
            throw error.naming(URL(fileURLWithPath: path).lastPathComponent)
        }
        try self.init(text: text)
    }

    /// Parses a mapping file's text; every line that cannot be used is an error naming it.
    public init(text: String) throws {
        given = true
        var distinct = Set<String>()
        // (CR LF is one line break: split at each of CR and LF, it counted every line twice.)
        for (i, raw) in text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: .newlines).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.lastIndex(where: { $0 == "=" || $0 == "＝" }) else {
                throw InterchangeError(.mapping, "mapping line \(i + 1): expected HEADER = FIELD, got \(line)",
                                       zh: "对照表第 \(i + 1) 行格式不对：应为“表头 = 字段”，实际为“\(line)”",
                                       hint: "e.g. 单位全称 = name, or 联系人：手机号码 = mobile", hintZH: "例如“单位全称 = name”或“联系人：手机号码 = mobile”")
            }
            var left = line[..<eq].trimmingCharacters(in: .whitespaces)
            let right = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            var kind: ImportKind?
            if let colon = left.firstIndex(where: { $0 == ":" || $0 == "：" }), let k = ImportKind(name: String(left[..<colon])) {
                kind = k
                left = left[left.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            guard !left.isEmpty else {
                throw InterchangeError(.mapping, "mapping line \(i + 1): the header is empty", zh: "对照表第 \(i + 1) 行缺少表头（等号左边为空）")
            }
            let header = Columns.normalise(left)
            let kinds = kind.map { [$0] } ?? ImportKind.allCases
            if right != "-" && !kinds.contains(where: { Self.field(right, kind: $0) != nil }) {
                // (With a kind: the field may be another kind's, which is worth saying. A long
                // one cut: a line of a megabyte was echoed whole.)
                let field = right.count > 60 ? String(right.prefix(60)) + "…" : right
                throw InterchangeError(.mapping, kind.map { "mapping line \(i + 1): \($0.sheetName(zh: false).lowercased()) have no field \(field)" } ?? "mapping line \(i + 1): no field \(field)",
                                       zh: kind.map { "对照表第 \(i + 1) 行：“\($0.sheetName(zh: true))”数据中没有“\(field)”这个字段" } ?? "对照表第 \(i + 1) 行：没有“\(field)”这个字段",
                                       hint: "use a field name such as name, grade, creditCode, mobile (or its Chinese label)",
                                       hintZH: "请填写字段名，如 name、grade、creditCode、mobile，或其中文名称（客户名称、客户等级……）")
            }
            // One header given twice for one kind, meaning two things: which line counts would
            // be a guess. What a line means for a kind: a field's key (`name` and 客户名称 are
            // one), "-" (left out), or nothing (a field of another kind: the line is not used).
            let target: ColumnTarget = right == "-" ? .skipped : .field(right)
            func meaning(_ target: ColumnTarget, _ k: ImportKind) -> String? {
                guard case .field(let text) = target else { return "-" }
                return Self.field(text, kind: k).map { "\($0)" }
            }
            // A line written again exactly (for the same kind, the same meaning) is checked and
            // looked up once: 150,000 repeats of one line were each compared with every other.
            if !distinct.insert("\(kind?.rawValue ?? "*")|\(header)|\(target)").inserted {
                entries.append(Entry(kind: kind, header: header, target: target, line: i + 1, written: left))
                continue
            }
            var conflicting: Entry?
            for j in byHeader[header] ?? [] where conflicting == nil {
                let e = entries[j]
                if e.kind == kind && kinds.contains(where: { k in
                    let a = meaning(e.target, k), b = meaning(target, k)
                    return a != nil && b != nil && a != b
                }) { conflicting = e }
            }
            if let earlier = conflicting {
                throw InterchangeError(.mapping, "mapping lines \(earlier.line) and \(i + 1) map the column \(left) to different fields; a column maps to one field",
                                       zh: "对照表第 \(earlier.line) 行和第 \(i + 1) 行把同一列“\(left)”对应到了不同字段，一列只能对应一个字段",
                                       hint: "delete one of the two lines", hintZH: "请删除其中一行")
            }
            byHeader[header, default: []].append(entries.count)
            entries.append(Entry(kind: kind, header: header, target: target, line: i + 1, written: left))
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// A line that does nothing for a file, and why: its header is in no table of the file
    /// (`kind` nil), or in no table of its kind (`kind`; `kindMissing` when the file has no table
    /// of that kind at all).
    struct Unused {
        let line: Int
        let header: String
        let kind: ImportKind?
        let kindMissing: Bool
        /// The field the line names, which no table that has its header can take (a field of
        /// another kind only): the header is in the file, the line still did nothing.
        var field: String?
    }

    /// The lines that do nothing for a file whose imported tables have `imported` (each one's
    /// kind and its header cells folded by `Columns.normalise`), its other tables (of no kind
    /// found) `others`. A line whose header a table not imported has is not said here (that
    /// table's own warning says why it was not imported).
    func unused(imported: [(kind: ImportKind, normalised: Set<String>)], others: Set<String>) -> [Unused] {
        entries.compactMap { e in
            if let kind = e.kind {
                let ofKind = imported.filter { $0.kind == kind }
                if ofKind.contains(where: { $0.normalised.contains(e.header) }) { return nil }
                if ofKind.isEmpty && others.contains(e.header) { return nil }  // (perhaps that table's kind)
                return Unused(line: e.line, header: e.written, kind: kind, kindMissing: ofKind.isEmpty)
            }
            let having = imported.filter { $0.normalised.contains(e.header) }
            if case .field(let key) = e.target, let first = having.first, having.allSatisfy({ Self.field(key, kind: $0.kind) == nil }) {
                return Unused(line: e.line, header: e.written, kind: first.kind, kindMissing: false, field: key)
            }
            if others.contains(e.header) || !having.isEmpty { return nil }
            return Unused(line: e.line, header: e.written, kind: nil, kindMissing: false)
        }
    }

    func target(_ header: String, kind: ImportKind) -> ColumnTarget? {
        entries.isEmpty ? nil : target(normalised: Columns.normalise(header), kind: kind)
    }

    /// `target` of a header already folded by `Columns.normalise`.
    /// A line for the kind wins over a line for every kind, wherever each is written.
    func target(normalised n: String, kind: ImportKind) -> ColumnTarget? {
        guard let lines = byHeader[n] else { return nil }
        for own in [true, false] {
            for e in lines.reversed().lazy.map({ self.entries[$0] }) where own ? e.kind == kind : e.kind == nil {
                if case .field(let key) = e.target {
                    guard let target = Self.field(key, kind: kind) else { continue }  // a field of another kind
                    return target
                }
                return e.target
            }
        }
        return nil
    }

    /// What a mapping's field (a key or a label) is in a table of `kind`: one of its fields, or
    /// for a customer list one of the contact person's columns it may carry (手机, 职务, 微信:
    /// `Cell = mobile` was dropped without a word); nil when the kind has no such field.
    static func field(_ text: String, kind: ImportKind) -> ColumnTarget? {
        if let spec = Schema.field(kind.entity, key: text) { return .field(spec.key) }
        guard kind == .customers else { return nil }
        let n = Columns.normalise(text)
        if let (key, _) = Columns.inlineContact.first(where: { $0.value.contains { Columns.normalise($0) == n } }) { return .inlineContact(key) }
        if let spec = Schema.field(.contact, key: text), spec.key != "name", Columns.inlineContact[spec.key] != nil { return .inlineContact(spec.key) }
        return nil
    }
}
