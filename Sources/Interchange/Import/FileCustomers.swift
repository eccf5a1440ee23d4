import Foundation
import SalesArchive

/// The customers of the file so far, by what identifies them.
struct FileCustomers {
    var byKey: [TextKey: (ref: String, line: Int)] = [:]
    var byCredit: [String: (ref: String, line: Int)] = [:]
    var byCode: [String: (ref: String, line: Int)] = [:]
    /// By the first number of the phone cell, and (every one, in the file's order) by the others
    /// (`ArchiveIndex.customersBySecondPhone`).
    var byPhone: [String: (ref: String, line: Int)] = [:]
    var bySecondPhone: [String: [(ref: String, line: Int)]] = [:]

    mutating func reserve(_ n: Int) {
        byKey.reserveCapacity(n)
        byPhone.reserveCapacity(n)
    }

    /// Customers of the file by their short names and aliases (compared as company names are):
    /// ref "" when the file gives one to two customers (ambiguous).
    var byOtherName: [TextKey: (ref: String, line: Int)] = [:]
    /// By exact name, only when two customers of the file share a company key (found by their
    /// exact names first, as the archive's are).
    var byExactName: [TextKey: (ref: String, line: Int)] = [:]
    /// The company keys two customers of the file share (`byExactName` tells them apart).
    private(set) var sharedKeys = Set<TextKey>()
    private var exactOfKey: [TextKey: (name: TextKey, ref: String, line: Int)] = [:]

    /// Whether a customer of the file so far has exactly the name `exact` (of company key `key`).
    func hasExactName(_ exact: TextKey, key: TextKey) -> Bool { exactOfKey[key]?.name == exact || byExactName[exact] != nil }

    /// Notes a customer's exact name; kept in `byExactName` once another shares its company key.
    mutating func register(ref: String, line: Int, exactName: TextKey, key: TextKey) {
        if let first = exactOfKey[key] {
            if first.ref != ref {
                if byExactName.isEmpty || !sharedKeys.contains(key) { byExactName[first.name] = (first.ref, first.line) }
                sharedKeys.insert(key)
                if byExactName[exactName] == nil { byExactName[exactName] = (ref, line) }
            }
        } else {
            exactOfKey[key] = (exactName, ref, line)
        }
    }

    mutating func register(ref: String, line: Int, otherName: TextKey, besides own: TextKey) {
        guard !otherName.text.isEmpty, otherName != own else { return }
        if let earlier = byOtherName[otherName] {
            if earlier.ref != ref { byOtherName[otherName] = ("", line) }
        } else {
            byOtherName[otherName] = (ref, line)
        }
    }

    /// Customers of the file whose names have traditional characters, by the company key of
    /// their names in simplified ones, in the file's order: a reference found in simplified
    /// characters finds them (`Importer.customersInSimplified`; two name neither).
    var bySimplifiedKey: [TextKey: [String]] = [:]

    /// Notes a customer of the file named `name`, when the name has traditional characters.
    mutating func register(ref: String, line: Int, traditionalName name: String) {
        guard CompanyName.Simplified.hasTraditional(name) else { return }
        let key = TextKey(Identity.companyKey(CompanyName.Simplified.fold(name)))
        if bySimplifiedKey[key]?.contains(ref) != true { bySimplifiedKey[key, default: []].append(ref) }
    }

    mutating func register(ref: String, line: Int, key: TextKey, credit: String?, code: String?, phone: String?, otherPhones: [String] = []) {
        if byKey[key] == nil { byKey[key] = (ref, line) }
        if let credit, byCredit[credit] == nil { byCredit[credit] = (ref, line) }
        if let code, byCode[code.lowercased()] == nil { byCode[code.lowercased()] = (ref, line) }
        if let phone, byPhone[phone] == nil { byPhone[phone] = (ref, line) }
        for other in otherPhones where bySecondPhone[other]?.contains(where: { $0.ref == ref }) != true { bySecondPhone[other, default: []].append((ref, line)) }
    }
}
