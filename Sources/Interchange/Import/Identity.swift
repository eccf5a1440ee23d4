import Foundation
import SalesArchive
import VaultFormat

/// What makes two rows the same customer or person (INTERCHANGE.md §4): company names compared
/// without the differences people type, the 统一社会信用代码 with its check digit, and phone
/// numbers without their punctuation and country code.
public enum Identity {
    /// A company name as compared for duplicates (`CompanyName.key`, which the domain owns).
    public static func companyKey(_ name: String) -> String { CompanyName.key(name) }

    /// Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space as their ASCII forms.
    public static func halfWidth(_ text: String) -> String { CompanyName.halfWidth(text) }

    /// A phone number as compared: digits only, without +86/0086/86 before an 11-digit mobile;
    /// nil when fewer than 7 digits remain (not a phone number worth matching).
    public static func phoneKey(_ phone: String) -> String? {
        if phone.utf8.allSatisfy({ $0 < 0x80 }) {  // ASCII: the same digits without building Characters
            var d: [UInt8] = []
            d.reserveCapacity(phone.utf8.count)
            for b in phone.utf8 where b >= 0x30 && b <= 0x39 { d.append(b) }
            // (0086 and 86 compared as bytes: two arrays made per phone were a third of this.)
            if d.count >= 4 && d[0] == 0x30 && d[1] == 0x30 && d[2] == 0x38 && d[3] == 0x36 {
                d.removeFirst(4)
            } else if d.count == 13 && d[0] == 0x38 && d[1] == 0x36 {
                d.removeFirst(2)
            }
            return d.count >= 7 ? String(decoding: d, as: UTF8.self) : nil
        }
        return phoneKeyGeneral(phone)
    }

    /// `phoneKey` without its ASCII path (what that path is tested against).
    static func phoneKeyGeneral(_ phone: String) -> String? {
        var digits = String(halfWidth(phone).unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        if digits.hasPrefix("0086") { digits.removeFirst(4) } else if digits.hasPrefix("86"), digits.count == 13 { digits.removeFirst(2) }
        return digits.count >= 7 ? digits : nil
    }
}

/// A record that may be the same company (or person) as a new one: the record and why.
public struct LikelyDuplicate: Sendable {
    /// The customer (or, for `likelyDuplicateContacts`, the contact) already in the archive.
    public let customer: Entity
    public let reason: String
    public let reasonZH: String
}

extension Identity {
    /// Customers of `state` that look like the company about to be added (INTERCHANGE.md §4):
    /// the same name once width, spaces, brackets and legal suffixes are ignored, the same
    /// credit code, or the same phone number. `customer add` asks for `--force` when any is found.
    public static func likelyDuplicates(name: String?, creditCode: String?, phone: String?, in state: ArchiveState) -> [LikelyDuplicate] {
        let key = name.map(companyKey)
        let credit: String? = creditCode.flatMap { if case .valid(let v) = CreditCode.check($0) { return v } else { return nil } }
        let phoneKey = phone.flatMap(Self.phoneKey)
        var out: [LikelyDuplicate] = []
        let shortKey = key.map(CompanyName.withoutPlaceWords)
        for c in state.all(.customer) {
            if let key, let n = c["name"]?.text, companyKey(n) == key {
                // (The same name written the same way is said so: 名称相近 read as a guess.)
                let same = n.trimmedWhitespace == name?.trimmedWhitespace
                out.append(LikelyDuplicate(customer: c, reason: same ? "the same name" : "a similar name", reasonZH: same ? "名称相同" : "名称相近"))
            } else if let shortKey, let n = c["name"]?.text, Self.namesOneAnother(shortKey, CompanyName.withoutPlaceWords(companyKey(n))) {
                // 恒瑞医药 beside 江苏恒瑞医药股份有限公司, 南京市地铁集团 beside 南京地铁集团:
                // one name within the other once 省 and 市 are left out (added without a word,
                // and 恒瑞 then found the new one: helper-127).
                out.append(LikelyDuplicate(customer: c, reason: "a similar name: one within the other", reasonZH: "名称相近：一个名称包含另一个"))
            } else if let credit, let other = c["creditCode"]?.text, case .valid(credit) = CreditCode.check(other) {
                out.append(LikelyDuplicate(customer: c, reason: "the same credit code", reasonZH: "统一社会信用代码相同"))
            } else if let phoneKey, let other = c["phone"]?.text, Self.phoneKey(other) == phoneKey {
                out.append(LikelyDuplicate(customer: c, reason: "the same phone number", reasonZH: "电话相同"))
            }
        }
        return out
    }

    /// Two company keys of which one holds the other, the shorter of four characters or more
    /// (京东 within 北京东方 is no sign; 恒瑞医药 within 江苏恒瑞医药 is).
    /// A longer name that adds a branch or an affiliated unit (中国银行上海分行, 北京大学第一医院)
    /// is another account: no sign (helper-128).
    static func namesOneAnother(_ a: String, _ b: String) -> Bool {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard short.count >= 4, long.contains(short) else { return false }
        return !["分行", "支行", "分公司", "子公司", "分院", "附属", "医院", "分校", "学院", "办事处", "分部", "分中心"].contains { long.contains($0) && !short.contains($0) }
    }

    /// Contacts of the customer `customer` that look like the person about to be added to it:
    /// the same name once width, case, spaces and invisible characters are ignored, or the same
    /// mobile number. `contact add` asks for `--force` when any is found (two people of one
    /// company may share a name; usually it is the same person entered twice).
    public static func likelyDuplicateContacts(customer: UInt64, name: String?, mobile: String?, in state: ArchiveState) -> [LikelyDuplicate] {
        // (The name as it will be stored: 王敏、 is 王敏, and was added beside her.)
        let key = name.map { CompanyName.personKey((try? ChangeDraft.name($0, of: .contact)) ?? $0) }
        let mobileKey = mobile.flatMap(Self.phoneKey)
        var out: [LikelyDuplicate] = []
        for p in state.all(.contact) where p["customer"]?.ref == customer {
            if let key, let n = p["name"]?.text, CompanyName.personKey(n) == key {
                out.append(LikelyDuplicate(customer: p, reason: "the same name", reasonZH: "姓名相同"))
            } else if let mobileKey, let other = p["mobile"]?.text, Self.phoneKey(other) == mobileKey {
                out.append(LikelyDuplicate(customer: p, reason: "the same mobile number", reasonZH: "手机号相同"))
            }
        }
        return out.sorted { $0.customer.id < $1.customer.id }
    }
}
