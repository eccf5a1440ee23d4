/// A code with labels in both languages (codes are fixed; labels may be edited later).
public protocol Vocabulary: CaseIterable, RawRepresentable, Sendable where RawValue == String {
    var en: String { get }
    var zh: String { get }
}

extension Vocabulary {
    /// Parses a code or either label, case-insensitively ("A", "visit", "拜访").
    public static func parse(_ text: String) -> Self? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        return allCases.first { $0.rawValue.lowercased() == t || $0.en.lowercased() == t || $0.zh == t }
    }

    public static var codes: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// 客户等级 (regulations 6.1).
public enum Grade: String, Vocabulary {
    case a = "A", b = "B", c = "C", d = "D", unrated

    public var en: String {
        switch self {
        case .a: return "A (important)"
        case .b: return "B (intent)"
        case .c: return "C (potential)"
        case .d: return "D (development)"
        case .unrated: return "unrated"
        }
    }
    public var zh: String {
        switch self {
        case .a: return "A 重要客户"
        case .b: return "B 意向客户"
        case .c: return "C 潜力客户"
        case .d: return "D 发展客户"
        case .unrated: return "未评级"
        }
    }
    /// The regulation's definition of the grade.
    public var definitionEN: String {
        switch self {
        case .a: return "clear need; can sign or start bidding within 1 month"
        case .b: return "clear need; intends to sign or bid within 2–3 months; good relationship, some agreement on cooperation"
        case .c: return "some potential; 3–6 months of follow-up; no clear date of need yet"
        case .d: return "has project plans the company may take part in"
        case .unrated: return "not graded yet"
        }
    }
    public var definitionZH: String {
        switch self {
        case .a: return "有明确的需求,并在1个月内可以签约或开始投标"
        case .b: return "有明确的需求,2-3个月内有意向签约或开始投标,关系较好并达成一定的合作共识"
        case .c: return "有一定潜力,需3-6个月的跟进时间,但尚未有明确的需求日期"
        case .d: return "目前有项目规划,我公司有机会参与"
        case .unrated: return "尚未评级"
        }
    }
    /// Sort order: A first, unrated last.
    public var rank: Int { ["A": 0, "B": 1, "C": 2, "D": 3][rawValue] ?? 4 }

    /// The grade a date `days` ahead suggests (A ≤ 30, B 31–90, C 91–180), or nil beyond.
    public static func hint(daysAhead days: Int) -> Grade? {
        switch days {
        case ..<0: return nil
        case 0...30: return .a
        case 31...90: return .b
        case 91...180: return .c
        default: return nil
        }
    }
}

/// 销售阶段 (regulations 7.1; stage 5 assumed, the source is cut off).
public enum SalesStage: String, Vocabulary {
    case infoDevelopment, projectInitiation, bidding, businessNegotiation, contract, won, lost, abandoned

    public var en: String {
        switch self {
        case .infoDevelopment: return "1 information development"
        case .projectInitiation: return "2 project initiation"
        case .bidding: return "3 bidding"
        case .businessNegotiation: return "4 business negotiation"
        case .contract: return "5 contract signing and execution"
        case .won: return "won"
        case .lost: return "lost"
        case .abandoned: return "abandoned"
        }
    }
    public var zh: String {
        switch self {
        case .infoDevelopment: return "1 信息开发"
        case .projectInitiation: return "2 项目立项"
        case .bidding: return "3 招投标"
        case .businessNegotiation: return "4 商务谈判"
        case .contract: return "5 合同签订与执行"
        case .won: return "赢单"
        case .lost: return "丢单"
        case .abandoned: return "放弃"
        }
    }
    /// Position in the five-stage sequence; terminal outcomes come after.
    public var order: Int { SalesStage.allCases.firstIndex(of: self)! }  // allCases holds every case
    public var isClosed: Bool { self == .won || self == .lost || self == .abandoned }
}

/// 跟进方式.
public enum ActivityType: String, Vocabulary {
    case call, visit, event, meeting, presales, email, im, other
    public var en: String { ["call": "call", "visit": "visit", "event": "activity/event", "meeting": "meeting", "presales": "presales support", "email": "e-mail", "im": "IM/WeChat", "other": "other"][rawValue]! }
    public var zh: String { ["call": "电话", "visit": "拜访", "event": "活动", "meeting": "会议", "presales": "售前支持", "email": "邮件", "im": "微信/IM", "other": "其他"][rawValue]! }
}

/// 投诉状态: received → routed (manager and director both notified) → handling → resolved → surveyed → closed.
public enum ComplaintStatus: String, Vocabulary {
    case received, routed, handling, resolved, surveyed, closed
    public var en: String { rawValue }
    public var zh: String { ["received": "已受理", "routed": "已通报", "handling": "处理中", "resolved": "已处理", "surveyed": "已回访", "closed": "已关闭"][rawValue]! }
}

/// 满意度.
public enum Satisfaction: String, Vocabulary {
    case verySatisfied, satisfied, neutral, dissatisfied
    public var en: String { ["verySatisfied": "very satisfied", "satisfied": "satisfied", "neutral": "neutral", "dissatisfied": "dissatisfied"][rawValue]! }
    public var zh: String { ["verySatisfied": "非常满意", "satisfied": "满意", "neutral": "一般", "dissatisfied": "不满意"][rawValue]! }
}

/// 决策角色.
public enum DecisionRole: String, Vocabulary {
    case decisionMaker, influencer, evaluator, user, purchaser, coach, gatekeeper, opponent
    public var en: String { rawValue }
    public var zh: String {
        ["decisionMaker": "决策者", "influencer": "影响者", "evaluator": "技术评估", "user": "使用者", "purchaser": "采购执行",
         "coach": "内线", "gatekeeper": "把关者", "opponent": "反对者"][rawValue]!
    }
}

/// 态度.
public enum Attitude: String, Vocabulary {
    case supportive, neutral, opposed, unknown
    public var en: String { rawValue }
    public var zh: String { ["supportive": "支持", "neutral": "中立", "opposed": "反对", "unknown": "未知"][rawValue]! }
}

/// 竞争对手位置.
public enum CompetitorPosition: String, Vocabulary {
    case leading, shortlisted, weak, unknown
    public var en: String { rawValue }
    public var zh: String { ["leading": "领先", "shortlisted": "入围", "weak": "弱势", "unknown": "未知"][rawValue]! }
}
