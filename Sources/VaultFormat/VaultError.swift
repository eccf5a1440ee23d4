/// Errors of the archive format and its files (STYLE 11): a stable `code` that tests and the CLI
/// compare, and a `reason` in English for the details (paths, offsets, record index).
public struct VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The file does not start with the archive magic.
        case notAnArchive
        /// A version this build does not read.
        case unsupportedVersion
        /// No intact header copy, or a malformed field (FORMAT.md §3.2, §4).
        case headerDamaged
        /// The password slot did not open: wrong password (or a damaged slot; they look alike).
        case wrongPassword
        /// The header MAC failed: the header was changed without the key.
        case headerAuthenticationFailed
        /// KDF parameters outside the accepted range (FORMAT.md §5.1).
        case kdfRefused
        /// The file is shorter than its committed length.
        case truncated
        /// A record failed to authenticate or is malformed (`recordIndex` says which).
        case recordDamaged
        /// Records authenticate one by one but do not match the header's count or chain.
        case recordsMismatch
        /// Data after the committed body: an interrupted append (FORMAT.md §8.3).
        case unfinishedAppend
        /// Another process holds the archive's lock.
        case busy
        /// The target file exists already.
        case alreadyExists
        /// The file does not exist.
        case notFound
        /// Permission denied by the file system.
        case permissionDenied
        /// The disk is full.
        case diskFull
        /// Any other I/O failure.
        case io
        /// A caller-supplied value is not acceptable (named in the reason).
        case invalidArgument
        /// A limit of the format was reached (FORMAT.md §9).
        case limitExceeded
        /// The identities given hold no escrow slot of this archive, or fewer shares than the
        /// threshold (FORMAT.md §5.2).
        case noEscrowSlot
        /// Escrow slots just written did not give back the data key (FORMAT.md §5.2): nothing kept.
        case escrowVerificationFailed
        /// The new password is one of the last five (FORMAT.md §5.4).
        case passwordReused
        /// A verifiable escrow share does not match the archive's commitments, or `k` shares do
        /// not give the committed secret (FORMAT.md §5.2 scheme 3): dealt wrongly or altered.
        case escrowShareInconsistent
        /// The owner's signature, secrets or signed record digest do not match (FORMAT.md §5.6):
        /// the archive was changed by someone holding the data key (e.g. through escrow).
        case ownerSignatureInvalid
    }

    public let code: Code
    public let reason: String
    public let recordIndex: Int?
    /// For a failed system call: its `errno`, the operation (`write`, `fsync`, `open`…) and the
    /// path, so a caller can say the cause in the user's language (the reason has the system's
    /// English text).
    public let systemError: Int32?
    public let operation: String?
    public let path: String?

    public init(_ code: Code, _ reason: String, recordIndex: Int? = nil, systemError: Int32? = nil, operation: String? = nil, path: String? = nil) {
        self.code = code
        self.reason = reason
        self.recordIndex = recordIndex
        self.systemError = systemError
        self.operation = operation
        self.path = path
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
