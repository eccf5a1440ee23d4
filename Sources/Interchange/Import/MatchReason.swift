import Foundation
import SalesArchive

/// Why a row is taken for a record (`settle`): what matched, which the notes after it go by,
/// and how that is said. (The notes told it by the Chinese text until 2026-12-06.)
struct MatchReason {
    /// (name: a customer's company name; sharedName: one that two archive customers write
    /// alike; otherName: a short name or an alias; lostCharacters: a name as a GBK file saves it,
    /// the characters GBK lacks written ?; personName: a contact's at its customer.)
    enum Kind { case recordID, creditCode, name, sharedName, otherName, lostCharacters, personName, phone, mobile }
    let kind: Kind
    var en: String
    var zh: String
    /// Who else gives what matched (a first number or a credit code several archive customers
    /// give), said in English notes after the record (`(which C1 甲公司 also gives)`); the Chinese
    /// `zh` says it already.
    var alsoEN: String?

    /// Several archive customers could be the one matched (a name they write alike, a first
    /// number or a credit code they share): the row stands for none of them.
    var ambiguous: Bool { kind == .sharedName || alsoEN != nil || !candidates.isEmpty }
    /// The archive customers it could be, when they are not those `standsForNone` finds by the
    /// kind (a name one's, a credit code another's: helper-170).
    var candidates: [String] = []

    init(_ kind: Kind, _ en: String, _ zh: String) {
        self.kind = kind
        self.en = en
        self.zh = zh
    }
}
