/// The header body's fields (FORMAT.md §4.2). Parsed values are validated, then trusted (STYLE 8).
public struct ArchiveHeader: Sendable, Equatable {
    public struct Flags: OptionSet, Sendable, Equatable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let mustChangePassword = Flags(rawValue: 1 << 0)
        public static let rekeyRequired = Flags(rawValue: 1 << 1)
        static let known: Flags = [.mustChangePassword, .rekeyRequired]
    }

    public var sequence: UInt64
    public var owner: String
    public var createdAt: Int64
    public var passwordChangedAt: Int64
    public var dekRotatedAt: Int64
    public var dekGeneration: UInt32
    public var recordCount: UInt64
    public var bodyLength: UInt64
    public var recordChain: [UInt8]
    public var flags: Flags
    public var slots: [KeySlot]
    /// Where a reader may start without reading earlier records (FORMAT.md §6.4).
    public var checkpoint: Checkpoint?
    /// The department's administrator key pinned at creation, and the registry serial the
    /// escrow slots were last made from (FORMAT.md §4.2, DEPARTMENT.md §3.2).
    public var department: DepartmentPin?
    /// Escrow uses the owner has not seen yet (FORMAT.md §5.3).
    public var escrowUses: EscrowUses?
    /// The last passwords' slow hashes, sealed under the DEK (FORMAT.md §5.4; archives written
    /// before owner signatures; newer ones keep the history in `ownerSecrets`).
    public var passwordHistory: [UInt8]?
    /// How many times the owner changed the password (`passwd`, `compromised`): 0 at creation;
    /// an escrow reset does not count. Nil in a header written before the field existed
    /// (FORMAT.md §4.2 0x10): the old rule then decides "never changed".
    public var passwordChanges: UInt32?
    /// Feldman commitments of scheme-3 escrow shares and the DEK wrapped under the shared
    /// secret (FORMAT.md §4.2 0x11, §5.2); present exactly when the escrow slots use scheme 3.
    public var shareCommitments: ShareCommitments?
    /// The owner's signing seed and password history, sealed under the password (FORMAT.md §5.5).
    public var ownerSecrets: [UInt8]?
    /// The owner's signature over the owner-controlled state (FORMAT.md §5.6).
    public var ownerSignature: OwnerSignature?

    public struct DepartmentPin: Sendable, Equatable {
        public var adminKey: [UInt8]
        public var registrySerial: UInt64
        public init(adminKey: [UInt8], registrySerial: UInt64) {
            self.adminKey = adminKey
            self.registrySerial = registrySerial
        }
    }

    public struct EscrowUses: Sendable, Equatable {
        public var unacknowledged: UInt32
        public var lastUseAt: Int64
        public var firstIndex: UInt64
        public init(unacknowledged: UInt32, lastUseAt: Int64, firstIndex: UInt64) {
            self.unacknowledged = unacknowledged
            self.lastUseAt = lastUseAt
            self.firstIndex = firstIndex
        }
    }

    /// A record from which reading can start: its index, its offset in the body and the record
    /// chain before it (FORMAT.md §6.4).
    public struct Checkpoint: Sendable, Equatable {
        public var index: UInt64
        public var offset: UInt64
        public var chain: [UInt8]
        public init(index: UInt64, offset: UInt64, chain: [UInt8]) {
            self.index = index
            self.offset = offset
            self.chain = chain
        }
    }

    enum Tag: UInt8 {
        case sequence = 1, owner, createdAt, passwordChangedAt, dekRotatedAt, dekGeneration, recordCount,
            bodyLength, recordChain, flags, slots, checkpoint, department, escrowUses, passwordHistory, passwordChanges
        case shareCommitments = 0x11, ownerSecrets = 0x12, ownerSignature = 0x13
        /// Fields a manager's escrow use changes: left out of the owner's signature (FORMAT.md §5.6).
        static let unsigned: Set<Tag> = [.sequence, .recordCount, .bodyLength, .recordChain, .escrowUses, .ownerSignature]
    }

    public init(
        sequence: UInt64, owner: String, createdAt: Int64, passwordChangedAt: Int64, dekRotatedAt: Int64,
        dekGeneration: UInt32, recordCount: UInt64, bodyLength: UInt64, recordChain: [UInt8], flags: Flags,
        slots: [KeySlot], checkpoint: Checkpoint? = nil, department: DepartmentPin? = nil, escrowUses: EscrowUses? = nil,
        passwordHistory: [UInt8]? = nil, passwordChanges: UInt32? = nil,
        shareCommitments: ShareCommitments? = nil, ownerSecrets: [UInt8]? = nil, ownerSignature: OwnerSignature? = nil
    ) throws {
        self.sequence = sequence
        self.owner = owner
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt
        self.dekRotatedAt = dekRotatedAt
        self.dekGeneration = dekGeneration
        self.recordCount = recordCount
        self.bodyLength = bodyLength
        self.recordChain = recordChain
        self.flags = flags
        self.slots = slots
        self.checkpoint = checkpoint
        self.department = department
        self.escrowUses = escrowUses
        self.passwordHistory = passwordHistory
        self.passwordChanges = passwordChanges
        self.shareCommitments = shareCommitments
        self.ownerSecrets = ownerSecrets
        self.ownerSignature = ownerSignature
        try validate()
    }

    /// Checks every rule of FORMAT.md §4.2 that the types alone do not.
    func validate() throws {
        try Self.validateOwner(owner)
        guard dekGeneration >= 1 else { throw VaultError(.headerDamaged, "header: key generation 0") }
        guard recordChain.count == 32 else { throw VaultError(.headerDamaged, "header: record chain length") }
        guard flags.isSubset(of: .known) else { throw VaultError(.headerDamaged, "header: unknown flag bits \(flags.rawValue)") }
        guard (1...FormatV1.maxSlots).contains(slots.count) else { throw VaultError(.headerDamaged, "header: \(slots.count) key slots") }
        guard slots.filter({ if case .password = $0 { return true } else { return false } }).count == 1 else {
            throw VaultError(.headerDamaged, "header: there must be exactly one password slot")
        }
        guard bodyLength <= UInt64(Int64.max) - UInt64(FormatV1.bodyOffset) else {
            throw VaultError(.headerDamaged, "header: body length out of range")
        }
        let escrow = escrowSlots
        if let first = escrow.first {
            guard escrow.allSatisfy({ $0.scheme == first.scheme && $0.threshold == first.threshold }) else {
                throw VaultError(.headerDamaged, "header: escrow slots of different schemes or thresholds")
            }
            guard Set(escrow.map(\.holder.recipient.rawRepresentation)).count == escrow.count else {
                throw VaultError(.headerDamaged, "header: two escrow slots for one recipient")
            }
            guard first.scheme == .whole || Set(escrow.map(\.x)).count == escrow.count else {
                throw VaultError(.headerDamaged, "header: two escrow shares with the same index")
            }
        }
        // FORMAT.md §4.2 0x11: commitments exactly with scheme-3 slots, for their threshold.
        if (escrow.first?.scheme == .verifiable) != (shareCommitments != nil) {
            throw VaultError(.headerDamaged, "header: share commitments \(shareCommitments == nil ? "missing" : "without verifiable escrow shares")")
        }
        if let shareCommitments, shareCommitments.threshold != escrow.first?.threshold {
            throw VaultError(.headerDamaged, "header: \(shareCommitments.threshold) share commitments for a threshold of \(escrow.first?.threshold ?? 0)")
        }
        if let department, department.adminKey.count != 32 { throw VaultError(.headerDamaged, "header: department key length") }
        if let escrowUses, escrowUses.unacknowledged == 0 || escrowUses.firstIndex >= recordCount {
            throw VaultError(.headerDamaged, "header: escrow uses out of range")
        }
        if let passwordHistory, passwordHistory.count < 29 || passwordHistory.count > 29 + 49 * FormatV1.passwordHistoryCount {
            throw VaultError(.headerDamaged, "header: password history length")
        }
        if let ownerSecrets, ownerSecrets.count < OwnerSecrets.minSealedBytes || ownerSecrets.count > OwnerSecrets.maxSealedBytes {
            throw VaultError(.headerDamaged, "header: owner secrets length")
        }
        if let checkpoint {
            guard checkpoint.index < recordCount, checkpoint.offset < bodyLength, (checkpoint.index == 0) == (checkpoint.offset == 0),
                  checkpoint.chain.count == 32, checkpoint.index != 0 || checkpoint.chain.allSatisfy({ $0 == 0 })
            else { throw VaultError(.headerDamaged, "header: checkpoint out of range") }
        }
    }

    /// Owner names: 1–256 bytes of UTF-8, no control characters (FORMAT.md §4.2).
    public static func validateOwner(_ owner: String) throws {
        let utf8 = Array(owner.utf8)
        guard !utf8.isEmpty, utf8.count <= FormatV1.maxOwnerBytes else {
            throw VaultError(.invalidArgument, "the owner name must be 1 to \(FormatV1.maxOwnerBytes) bytes")
        }
        guard !owner.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw VaultError(.invalidArgument, "the owner name contains a control character")
        }
    }

    public var passwordSlot: PasswordSlot {
        for case .password(let slot) in slots { return slot }
        preconditionFailure("validated header without a password slot")  // validate() guarantees one
    }

    /// The escrow slots, in header order (FORMAT.md §5.2).
    public var escrowSlots: [EscrowSlot] {
        slots.compactMap { if case .escrow(let slot) = $0 { return slot } else { return nil } }
    }

    // MARK: Encoding (canonical, FORMAT.md §4.1)

    public var serialized: [UInt8] { encoded(forSignature: false) }

    /// The fields the owner signs, in canonical encoding: all but `Tag.unsigned` (FORMAT.md §5.6).
    var signedFields: [UInt8] { encoded(forSignature: true) }

    private func encoded(forSignature: Bool) -> [UInt8] {
        var w = ByteWriter(capacity: 512)
        func field(_ tag: Tag, _ value: [UInt8]) {
            if forSignature && Tag.unsigned.contains(tag) { return }
            w.u8(tag.rawValue)
            w.u32(UInt32(value.count))
            w.append(value)
        }
        func u64(_ v: UInt64) -> [UInt8] { .be64(v) }
        field(.sequence, u64(sequence))
        field(.owner, Array(owner.utf8))
        field(.createdAt, u64(UInt64(bitPattern: createdAt)))
        field(.passwordChangedAt, u64(UInt64(bitPattern: passwordChangedAt)))
        field(.dekRotatedAt, u64(UInt64(bitPattern: dekRotatedAt)))
        field(.dekGeneration, .be32(dekGeneration))
        field(.recordCount, u64(recordCount))
        field(.bodyLength, u64(bodyLength))
        field(.recordChain, recordChain)
        field(.flags, .be32(flags.rawValue))
        var s = ByteWriter()
        s.u8(UInt8(slots.count))
        for slot in slots { s.append(slot.serialized) }
        field(.slots, s.bytes)
        if let checkpoint { field(.checkpoint, u64(checkpoint.index) + u64(checkpoint.offset) + checkpoint.chain) }
        if let department { field(.department, department.adminKey + u64(department.registrySerial)) }
        if let escrowUses {
            field(.escrowUses, .be32(escrowUses.unacknowledged) + u64(UInt64(bitPattern: escrowUses.lastUseAt)) + u64(escrowUses.firstIndex))
        }
        if let passwordHistory { field(.passwordHistory, passwordHistory) }
        if let passwordChanges { field(.passwordChanges, .be32(passwordChanges)) }
        if let shareCommitments { field(.shareCommitments, shareCommitments.serialized) }
        if let ownerSecrets { field(.ownerSecrets, ownerSecrets) }
        if let ownerSignature { field(.ownerSignature, ownerSignature.serialized) }
        return w.bytes
    }

    public init(parsing bytes: [UInt8]) throws {
        var cursor = ByteCursor(bytes, context: "header")
        var values: [Tag: [UInt8]] = [:]
        var last: UInt8 = 0
        while !cursor.isAtEnd {
            let rawTag = try cursor.readU8()
            guard rawTag > last else { throw VaultError(.headerDamaged, "header: field \(rawTag) out of order or repeated") }
            guard let tag = Tag(rawValue: rawTag) else {
                throw VaultError(.unsupportedVersion, "header field \(rawTag) is unknown: written by a newer SalesVault")
            }
            last = rawTag
            let length = Int(try cursor.readU32())
            values[tag] = try cursor.readBytes(length)
        }
        func value(_ tag: Tag, length: Int? = nil) throws -> [UInt8] {
            guard let v = values[tag] else { throw VaultError(.headerDamaged, "header: field \(tag) missing") }
            if let length, v.count != length { throw VaultError(.headerDamaged, "header: field \(tag) has length \(v.count)") }
            return v
        }
        func u64(_ tag: Tag) throws -> UInt64 {
            var c = ByteCursor(try value(tag, length: 8), context: "header")
            return try c.readU64()
        }
        func u32(_ tag: Tag) throws -> UInt32 {
            var c = ByteCursor(try value(tag, length: 4), context: "header")
            return try c.readU32()
        }
        let ownerBytes = try value(.owner)
        guard let owner = String(validating: ownerBytes, as: UTF8.self) else {
            throw VaultError(.headerDamaged, "header: owner is not valid UTF-8")
        }
        var slotCursor = ByteCursor(try value(.slots), context: "key slots")
        let slotCount = Int(try slotCursor.readU8())
        var slots: [KeySlot] = []
        for _ in 0..<slotCount { slots.append(try KeySlot(parsing: &slotCursor)) }
        try slotCursor.expectEnd()
        var checkpoint: Checkpoint?
        if values[.checkpoint] != nil {
            var c = ByteCursor(try value(.checkpoint, length: 48), context: "header")
            checkpoint = Checkpoint(index: try c.readU64(), offset: try c.readU64(), chain: try c.readBytes(32))
        }
        var department: DepartmentPin?
        if values[.department] != nil {
            var c = ByteCursor(try value(.department, length: 40), context: "header")
            department = DepartmentPin(adminKey: try c.readBytes(32), registrySerial: try c.readU64())
        }
        let shareCommitments = try values[.shareCommitments].map { try ShareCommitments(parsing: $0) }
        var escrowUses: EscrowUses?
        if values[.escrowUses] != nil {
            var c = ByteCursor(try value(.escrowUses, length: 20), context: "header")
            escrowUses = EscrowUses(unacknowledged: try c.readU32(), lastUseAt: Int64(bitPattern: try c.readU64()), firstIndex: try c.readU64())
        }
        var passwordChanges: UInt32?
        if values[.passwordChanges] != nil { passwordChanges = try u32(.passwordChanges) }
        let ownerSignature = try values[.ownerSignature].map { try OwnerSignature(parsing: $0) }
        do {
            try self.init(
                sequence: u64(.sequence), owner: owner, createdAt: Int64(bitPattern: u64(.createdAt)),
                passwordChangedAt: Int64(bitPattern: u64(.passwordChangedAt)),
                dekRotatedAt: Int64(bitPattern: u64(.dekRotatedAt)), dekGeneration: u32(.dekGeneration),
                recordCount: u64(.recordCount), bodyLength: u64(.bodyLength), recordChain: value(.recordChain, length: 32),
                flags: Flags(rawValue: u32(.flags)), slots: slots, checkpoint: checkpoint, department: department,
                escrowUses: escrowUses, passwordHistory: values[.passwordHistory], passwordChanges: passwordChanges,
                shareCommitments: shareCommitments, ownerSecrets: values[.ownerSecrets], ownerSignature: ownerSignature)
        } catch let error as VaultError where error.code == .invalidArgument {
            throw VaultError(.headerDamaged, "header: \(error.reason)")
        }
    }
}
