/// Errors of the customer archive (STYLE 11): a stable code, a human reason, and for lookups the
/// candidates a user can choose from.
public struct ArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unsupportedRecord, corruptRecord
        case notFound, ambiguous
        case invalidValue, missingValue, unknownField
        case invalidTransition
        case invalidDate, ambiguousDate
    }
    public let code: Code
    public let reason: String
    /// The same reason in Chinese, where one is written.
    public let reasonZH: String?
    public let candidates: [String]
    /// What was found: a record written after the owner's signature by someone holding the data
    /// key (FORMAT.md §5.6), which is treated as a stripped signature rather than as damage.
    public let writtenWithoutOwner: Bool
    /// A reference to what operation `n` of the same change set was to create (`@n`), refused
    /// because that operation created nothing (it was itself refused): n and the kind wanted.
    public internal(set) var unmadeReference: Int?
    public internal(set) var unmadeKind: EntityKind?
    /// The customer (its id, C12) whose contacts a "no such contact" lists, for the hint that
    /// names the command listing them all.
    public internal(set) var contactsOf: String?
    /// The name not found among them, and the id of the first contact listed (for the hint).
    public internal(set) var missingContact: String?
    public internal(set) var firstContactID: String?

    public init(_ code: Code, _ reason: String, zh: String? = nil, candidates: [String] = [], writtenWithoutOwner: Bool = false) {
        self.code = code
        self.reason = reason
        self.reasonZH = zh
        self.candidates = candidates
        self.writtenWithoutOwner = writtenWithoutOwner
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
