/// Constants of format version 1 (FORMAT.md §3, §9).
public enum FormatV1 {
    public static let magic: [UInt8] = Array("SVAULT\r\n".utf8)
    public static let version: UInt16 = 1
    public static let prefixSize = 32
    public static let headerCopySize = 16_384
    public static let checksumSize = 32
    public static let macSize = 32
    public static let maxHeaderBodyBytes = headerCopySize - 4 - macSize - checksumSize
    public static let bodyOffset = prefixSize + 2 * headerCopySize
    public static let archiveIDSize = 16
    public static let maxSlots = 16
    public static let maxOwnerBytes = 256
    public static let maxScryptLogN = 22
    public static let maxCalibratedLogN = 20
    public static let minScryptLogN = 17
    public static let minTestingScryptLogN = 10
    public static let scryptR = 8
    public static let scryptP = 1
    public static let maxRecordBytes = 64 << 20
    public static let recordOverhead = 4 + 12 + 16
    /// Records one DEK may seal with random nonces (FORMAT.md §6.2).
    public static let maxRecordsPerKey: UInt64 = 1 << 32

    static let headerMACInfo = Array("SalesVault v1 header MAC".utf8)
    static let recordKeyInfo = Array("SalesVault v1 record key".utf8)
    static let passwordSlotAADLabel = Array("SalesVault v1 password slot".utf8)
    static let recordAADLabel = Array("SalesVault v1 record".utf8)
    static let escrowSlotLabel = Array("SalesVault v1 escrow slot".utf8)
    static let passwordHistoryLabel = Array("SalesVault v1 password history".utf8)
    static let ownerSecretsLabel = Array("SalesVault v1 owner secrets".utf8)
    static let ownerSignatureLabel = Array("SalesVault v1 owner signature".utf8)
    static let reportMACInfo = Array("SalesVault v1 report MAC".utf8)
    /// Scheme 3 escrow (FORMAT.md §5.2): the key derived from the shared secret, and the AAD label
    /// of the DEK wrapped in `shareCommitments`.
    static let escrowSecretInfo = Array("SalesVault v1 escrow secret".utf8)
    static let shareCommitmentsLabel = Array("SalesVault v1 share commitments".utf8)
    /// Escrow slots per header: every slot but the password slot (FORMAT.md §5.2).
    public static let maxEscrowSlots = maxSlots - 1
    public static let maxHolderNameBytes = 64
    /// Password history (FORMAT.md §5.4): entries kept, scrypt cost of each.
    public static let passwordHistoryCount = 5
    public static let passwordHistoryLogN = 15
}
