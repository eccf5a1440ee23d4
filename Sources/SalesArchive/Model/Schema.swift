import Foundation

/// The kinds of entity in a customer archive (RECORDS.md §3).
public enum EntityKind: UInt8, CaseIterable, Sendable {
    /// Kind 7 is never used: it is the snapshot's log-directory part (RECORDS.md §6.1).
    case customer = 1, contact = 2, project = 3, activity = 4, complaint = 5, escrowUse = 6, export = 8

    /// The kind's position among all kinds (0…6), for per-kind tables.
    @inline(__always) public var index: Int { self == .export ? 6 : Int(rawValue) - 1 }

    /// The prefix of short ids: C12, P3, R7 (a person), L40 (a log entry), T2 (a complaint), E5
    /// (a manager's use of escrow), X2 (an export of the archive's content to a file).
    public var idPrefix: String { ["C", "R", "P", "L", "T", "E", "X"][index] }
    public var en: String { ["customer", "contact", "project", "contact log entry", "complaint", "escrow use", "export"][index] }
    public var zh: String { ["客户", "联系人", "项目", "跟进记录", "投诉", "托管访问", "导出记录"][index] }
}

/// How sensitive a field is (data-model.md): `secret` fields are left out of listings and exports
/// unless asked for.
public enum Sensitivity: Sendable { case normal, confidential, secret }

/// The type a field holds (RECORDS.md §4): what input it accepts, how it is stored and shown.
public enum FieldType: Equatable, Sendable {
    case text
    case integer
    /// An amount and a currency (`Money`).
    case money
    /// A calendar day.
    case date
    /// A moment: seconds since 1970, set by the tool.
    case instant
    case flag
    /// One of a fixed list of codes, shown by its label.
    case vocabulary(VocabularyKind)
    /// One record of a kind, or several.
    case reference(EntityKind)
    case references(EntityKind)
}

extension FieldType {
    /// (Asked of every cell an import reads: a pattern match, where the derived `==` is a call.)
    @inlinable public var isDate: Bool { if case .date = self { return true } else { return false } }
    @inlinable public var isMoney: Bool { if case .money = self { return true } else { return false } }
}

/// One field of one kind: its stable number on disk, its key on the command line and in JSON,
/// its labels, type and sensitivity.
public struct FieldSpec: Sendable {
    public let number: UInt8
    public let key: String
    public let en: String
    public let zh: String
    public let type: FieldType
    public let sensitivity: Sensitivity

    init(_ number: UInt8, _ key: String, _ en: String, _ zh: String, _ type: FieldType = .text, _ sensitivity: Sensitivity = .normal) {
        self.number = number
        self.key = key
        self.en = en
        self.zh = zh
        self.type = type
        self.sensitivity = sensitivity
    }
}

/// The field tables (RECORDS.md §4). Numbers are never reused; new fields get new numbers.
public enum Schema {
    /// A grade change's reason and a stage change's reason travel in the same update event.
    public static let reasonField: UInt8 = 100
    /// A grade change's result and the problems met (regulation 6.2(2): they go into the work
    /// report), in the grade change's event or in a later update that carries only them.
    public static let resultField: UInt8 = 101
    public static let problemField: UInt8 = 102
    /// In a later update that carries only a result and problems: the batch of the grade change
    /// they complete (an integer; RECORDS.md §2). Without it they complete the customer's latest
    /// grade change before them.
    public static let gradeChangeField: UInt8 = 103

    /// Fields 100 and up are notes that travel with a change (RECORDS.md §2): kept in the
    /// history, never stored on the record.
    @inline(__always) public static func isNote(_ field: UInt8) -> Bool { field >= reasonField }

    public static let customer: [FieldSpec] = [
        FieldSpec(1, "code", "code", "客户编号"),
        FieldSpec(2, "name", "name", "客户名称"),
        FieldSpec(3, "shortName", "short name", "简称"),
        FieldSpec(4, "grade", "grade", "客户等级", .vocabulary(.grade)),
        FieldSpec(5, "industry", "industry", "行业"),
        FieldSpec(6, "region", "region", "地区"),
        FieldSpec(7, "address", "address", "通信地址"),
        FieldSpec(8, "phone", "phone", "联系电话"),
        FieldSpec(9, "website", "website", "网站"),
        FieldSpec(10, "email", "e-mail", "邮箱"),
        FieldSpec(11, "source", "source", "来源"),
        FieldSpec(12, "orgStructure", "organisation structure and politics", "组织架构", .text, .confidential),
        FieldSpec(13, "departments", "user / purchasing / support departments", "使用/采购/支持部门"),
        FieldSpec(14, "similarProducts", "similar products in use", "同类产品应用情况"),
        FieldSpec(15, "planning", "planning information", "客户规划信息"),
        FieldSpec(16, "status", "status", "状态"),
        FieldSpec(17, "note", "note", "备注"),
        FieldSpec(18, "lastContactAt", "last contact", "最近联系", .instant),
        FieldSpec(19, "nextFollowUp", "next follow-up", "下次跟进", .date),
        FieldSpec(20, "creditCode", "unified social credit code", "统一社会信用代码"),
        FieldSpec(21, "decisionProcess", "decision process", "决策流程", .text, .confidential),
        FieldSpec(22, "aliases", "other names", "别名"),
    ]

    public static let contact: [FieldSpec] = [
        FieldSpec(1, "customer", "customer", "客户", .reference(.customer)),
        FieldSpec(2, "name", "name", "姓名"),
        FieldSpec(3, "title", "title", "职务"),
        FieldSpec(4, "department", "department", "部门"),
        FieldSpec(5, "mobile", "mobile", "手机"),
        FieldSpec(6, "phone", "phone", "电话"),
        FieldSpec(7, "email", "e-mail", "邮箱"),
        FieldSpec(8, "wechat", "WeChat", "微信", .text, .confidential),
        FieldSpec(9, "role", "role in the decision", "决策角色", .vocabulary(.decisionRole)),
        FieldSpec(10, "attitude", "attitude", "态度", .vocabulary(.attitude)),
        FieldSpec(11, "background", "personal background", "个人背景", .text, .secret),
        FieldSpec(12, "note", "note", "备注"),
        FieldSpec(13, "keyPerson", "key person", "关键人", .flag),
        FieldSpec(14, "lastContactAt", "last contact", "最近联系", .instant),
    ]

    public static let project: [FieldSpec] = [
        FieldSpec(1, "customer", "customer", "客户", .reference(.customer)),
        FieldSpec(2, "name", "name", "项目名称"),
        FieldSpec(3, "stage", "stage", "销售阶段", .vocabulary(.stage)),
        FieldSpec(4, "budget", "budget", "预算", .money),
        FieldSpec(5, "procurementPlan", "procurement plan", "采购计划"),
        FieldSpec(6, "bidMethod", "bid method", "采购方式"),
        FieldSpec(7, "expectedBid", "expected bidding date", "预计投标", .date),
        FieldSpec(8, "expectedSign", "expected signing date", "预计签约", .date),
        FieldSpec(9, "requirements", "requirements", "需求"),
        FieldSpec(10, "decisionMakers", "decision makers", "决策人", .references(.contact)),
        FieldSpec(11, "competition", "competition", "竞争情况"),
        FieldSpec(12, "amount", "amount", "金额", .money),
        FieldSpec(13, "progress", "progress", "进展"),
        FieldSpec(14, "problems", "problems", "存在问题"),
        FieldSpec(15, "stageSince", "in stage since", "进入阶段", .instant),
    ]

    public static let activity: [FieldSpec] = [
        FieldSpec(1, "customer", "customer", "客户", .reference(.customer)),
        FieldSpec(2, "project", "project", "项目", .reference(.project)),
        FieldSpec(3, "contacts", "with", "联系人", .references(.contact)),
        // (The report's words: exports, templates and messages said 方式, 下一步, 下次日期.)
        FieldSpec(4, "type", "type", "跟进方式", .vocabulary(.activityType)),
        FieldSpec(5, "at", "when", "时间", .instant),
        FieldSpec(6, "summary", "summary", "跟进内容"),
        FieldSpec(7, "nextStep", "next step", "下一步计划"),
        FieldSpec(8, "nextDate", "next date", "下次跟进日期", .date),
        FieldSpec(9, "location", "location", "地点"),
    ]

    public static let complaint: [FieldSpec] = [
        FieldSpec(1, "customer", "customer", "客户", .reference(.customer)),
        FieldSpec(2, "number", "number", "编号"),
        FieldSpec(3, "receivedAt", "received", "受理时间", .instant),
        FieldSpec(4, "subject", "about (person or department)", "被投诉人/部门"),
        FieldSpec(5, "description", "description", "投诉内容", .text, .confidential),
        FieldSpec(6, "status", "status", "状态", .vocabulary(.complaintStatus)),
        FieldSpec(7, "managerNotifiedAt", "sales manager notified", "已通报销售经理", .instant),
        FieldSpec(8, "directorNotifiedAt", "sales director notified", "已通报销售总监", .instant),
        FieldSpec(9, "coordinator", "coordinator", "协调人"),
        FieldSpec(10, "resolution", "resolution", "处理结果"),
        FieldSpec(11, "resolvedAt", "resolved", "处理时间", .instant),
        FieldSpec(12, "surveyedAt", "satisfaction survey", "回访时间", .instant),
        FieldSpec(13, "satisfaction", "satisfaction", "满意度", .vocabulary(.satisfaction)),
        FieldSpec(14, "surveyComment", "survey comment", "回访意见"),
        FieldSpec(15, "channel", "channel", "渠道"),
        FieldSpec(16, "complainant", "complainant", "投诉人", .reference(.contact)),
        FieldSpec(17, "surveyedBy", "surveyed by", "回访人"),
        FieldSpec(18, "withdrawnAt", "withdrawn or found unfounded", "撤诉/不成立时间", .instant),
    ]

    /// A manager's use of escrow (FORMAT.md §5.3): written by the manager's tool, shown to the owner.
    public static let escrowUse: [FieldSpec] = [
        FieldSpec(1, "action", "action", "操作"),
        FieldSpec(2, "managers", "managers", "经理"),
        FieldSpec(3, "fingerprints", "key fingerprints", "密钥指纹"),
        FieldSpec(4, "acknowledgedAt", "seen by the owner", "所有人已知悉", .instant),
    ]

    /// An export of the archive's content to a file (Docs/INTERCHANGE.md §4): written by the
    /// owner's tool when plaintext leaves the vault; evidence, never edited or undone.
    public static let export: [FieldSpec] = [
        FieldSpec(1, "format", "format", "格式"),
        FieldSpec(2, "kinds", "what", "导出内容"),
        FieldSpec(3, "rows", "rows", "行数", .integer),
        FieldSpec(4, "file", "file", "文件"),
        FieldSpec(5, "sha256", "SHA-256", "SHA-256"),
        FieldSpec(6, "includeSecret", "secret fields included", "含绝密字段", .flag),
    ]

    public static func fields(_ kind: EntityKind) -> [FieldSpec] {
        switch kind {
        case .customer: return customer
        case .contact: return contact
        case .project: return project
        case .activity: return activity
        case .complaint: return complaint
        case .escrowUse: return escrowUse
        case .export: return export
        }
    }

    /// Exact keys to specs, per kind (the hot path of every field access by key).
    private static let byKey: [[String: FieldSpec]] = EntityKind.allCases.map { kind in
        Dictionary(uniqueKeysWithValues: fields(kind).map { ($0.key, $0) })
    }

    /// The field named by its key (exact, or in any case) or its Chinese label.
    public static func field(_ kind: EntityKind, key: String) -> FieldSpec? {
        if let spec = byKey[kind.index][key] { return spec }
        let folded = key.lowercased()
        return fields(kind).first { $0.key.lowercased() == folded || $0.zh == key }
    }

    public static func field(_ kind: EntityKind, number: UInt8) -> FieldSpec? {
        fields(kind).first { $0.number == number }
    }

    /// The number a field is stored under, for code that names fields by key.
    static func number(_ kind: EntityKind, _ key: String) -> UInt8 {
        guard let spec = field(kind, key: key) else { preconditionFailure("no field \(key) in \(kind)") }  // keys are code literals
        return spec.number
    }
}
