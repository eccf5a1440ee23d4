// Generates the archive-format testkit (FORMAT.md §10): one file per scenario, a text preamble
// with the expected outcome, then the archive bytes. Run through `Scripts/gen-testkit`.
//
//   svault-testkit OUTPUT_DIRECTORY

import Foundation
import VaultCrypto
import VaultFormat

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: svault-testkit OUTPUT_DIRECTORY\n".utf8))
    exit(64)
}
let output = URL(fileURLWithPath: arguments[1])
let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("svault-testkit-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }

let password = "testkit password 测试"
let otherPassword = "another testkit password"
let kdf = KDFParameters.Choice.insecureForTesting(logN: 10)
let created: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
let payloads: [[UInt8]] = [
    Array("{\"customer\":\"华为技术有限公司\",\"grade\":\"A\"}".utf8),
    Array("call：张经理，budget confirmed".utf8),
    [UInt8](repeating: 0x5A, count: 300),
]
let bodyOffset = FormatV1.bodyOffset
nonisolated(unsafe) var counter = 0

func secret(_ s: String) -> SecureBytes { SecureBytes(Array(s.precomposedStringWithCanonicalMapping.utf8)) }

func build(password pw: String = password, records: [[UInt8]] = payloads, then edit: ((Vault) throws -> Void)? = nil) throws -> [UInt8] {
    counter += 1
    let path = scratch.appendingPathComponent("a\(counter).svault").path
    let vault = try Vault.create(path: path, owner: "测试 Testkit", password: secret(pw), kdf: kdf, now: created)
    for (i, p) in records.enumerated() { try vault.append(p, now: created + Int64(i + 1) * 3600) }
    try edit?(vault)
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var offset = bodyOffset
    while offset + 4 <= bytes.count {
        let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        ranges.append(offset..<min(bytes.count, offset + 32 + length))
        offset += 32 + length
    }
    return ranges
}

/// Recomputes a header copy's checksum after an edit (as a careless or malicious editor would).
func fixChecksum(_ bytes: inout [UInt8], copy index: Int) throws {
    let start = FormatV1.prefixSize + index * FormatV1.headerCopySize
    let end = start + FormatV1.headerCopySize
    let sum = try SHA256.hash(Array(bytes[start..<(end - 32)]))
    bytes.replaceSubrange((end - 32)..<end, with: sum)
}

/// Offset of a header field's value in copy `index` (walking the TLV body, FORMAT.md §4.1).
func fieldOffset(_ bytes: [UInt8], copy index: Int, tag: UInt8) -> Int {
    let start = FormatV1.prefixSize + index * FormatV1.headerCopySize
    var offset = start + 4
    while bytes[offset] != tag {
        let length = bytes[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
        offset += 5 + length
    }
    return offset + 5
}

struct Scenario {
    /// `password-changes:` (FORMAT.md §4.2 0x10), for the vectors that state it.
    var passwordChanges: UInt32? = nil
    let name: String
    let expect: String
    let password: String
    let records: Int
    let payloadHash: String
    let comment: String
    let bytes: [UInt8]
    var identities: [String] = []
    /// Scheme 3 vectors (FORMAT.md §10): every `threshold` identities open; those at the
    /// 1-based positions `inconsistent` fail their own check.
    var threshold: Int?
    var inconsistent: [Int] = []
    var signature: String?
    var ownerKey: String?
    /// The owner key the department's registry enrolled (FORMAT.md §10 `enrolled-key:`).
    var enrolledKey: String?
}

/// The owner key (FORMAT.md §5.6) of an archive's current header copy, read without a key.
func ownerKey(_ bytes: [UInt8]) -> String? {
    counter += 1
    let path = scratch.appendingPathComponent("o\(counter).svault").path
    guard (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil,
          let inspection = try? ArchiveInspection.inspect(path: path) else { return nil }
    return inspection.header.ownerSignature?.publicKey.hexString
}

nonisolated(unsafe) var scenarios: [Scenario] = []
func add(_ name: String, _ expect: String, _ comment: String, password pw: String = password, records: [[UInt8]] = [], identities: [String] = [],
         threshold: Int? = nil, inconsistent: [Int] = [], _ bytes: [UInt8], signature: String? = nil) throws {
    let hash = expect == "success" ? try SHA256.hash(records.flatMap { $0 }).hexString : "-"
    let key = expect == "success" ? ownerKey(bytes) : nil
    scenarios.append(Scenario(name: name, expect: expect, password: pw, records: records.count, payloadHash: hash, comment: comment, bytes: bytes,
                              identities: identities, threshold: threshold, inconsistent: inconsistent,
                              signature: signature ?? (key == nil ? nil : "valid"), ownerKey: key))
}

/// Fixed managers' identities for the escrow vectors (FORMAT.md §5.2): never use them elsewhere.
let managers = try (1...3).map { try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: UInt8($0 * 0x11), count: 32)) }
let adminPin = ArchiveHeader.DepartmentPin(adminKey: [UInt8](repeating: 0xAD, count: 32), registrySerial: 7)
func plan(_ threshold: Int) -> Vault.EscrowPlan {
    Vault.EscrowPlan(holders: zip(["李经理", "王总", "审计"], managers).map { EscrowSlot.Holder(name: $0, recipient: $1.publicKey) },
                     threshold: threshold, pin: adminPin)
}
func buildEscrow(_ threshold: Int, then edit: ((Vault) throws -> Void)? = nil) throws -> [UInt8] {
    counter += 1
    let path = scratch.appendingPathComponent("e\(counter).svault").path
    let vault = try Vault.create(path: path, owner: "测试 Testkit", password: secret(password), kdf: kdf, now: created, escrow: plan(threshold))
    for (i, p) in payloads.enumerated() { try vault.append(p, now: created + Int64(i + 1) * 3600) }
    try edit?(vault)
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

let good = try build()
try add("success_three_records", "success", "three records appended to a new archive", records: payloads, good)
try add("success_empty", "success", "a new archive with no records", records: [], try build(records: []))
try add("success_after_passwd", "success", "password changed from another password to this one", records: payloads,
        try build(password: otherPassword) { try $0.changePassword(to: secret(password), kdf: kdf, now: created + 86_400) })
try add("success_after_rekey", "success", "rekeyed once, then one more record appended", records: payloads + [[1, 2, 3]],
        try build { try $0.rekey(now: created + 86_400); try $0.append([1, 2, 3], now: created + 90_000) })
var copyBDamaged = good
copyBDamaged[FormatV1.prefixSize + FormatV1.headerCopySize + 5000] ^= 0x01
try add("success_copy_b_damaged", "success", "a padding byte of header copy B flipped: opens from copy A (verify reports copy B)", records: payloads, copyBDamaged)
try add("wrong_password", "wrong password", "the listed password is not this archive's", password: "not the password", good)
try add("wrong_password_old_after_passwd", "wrong password", "the listed password was replaced by passwd", password: otherPassword,
        try build { try $0.changePassword(to: secret("a completely new password"), kdf: kdf, now: created + 86_400) })

var forgedDate = good
for copy in 0..<2 {
    let at = fieldOffset(forgedDate, copy: copy, tag: 0x04)
    forgedDate[at + 5] ^= 0x10  // passwordChangedAt moved by about 12 days
    try fixChecksum(&forgedDate, copy: copy)
}
try add("header_forged_password_date", "header failure", "passwordChangedAt edited in both copies, checksums recomputed: the MAC fails", forgedDate)
var forgedOwner = good
for copy in 0..<2 {
    let at = fieldOffset(forgedOwner, copy: copy, tag: 0x02)
    forgedOwner[at] = UInt8(ascii: "X")
    try fixChecksum(&forgedOwner, copy: copy)
}
try add("header_forged_owner", "header failure", "owner edited in both copies, checksums recomputed: the MAC fails", forgedOwner)
var bothDamaged = good
bothDamaged[FormatV1.prefixSize + 40] ^= 0x01
bothDamaged[FormatV1.prefixSize + FormatV1.headerCopySize + 40] ^= 0x01
try add("header_both_copies_damaged", "header failure", "one byte flipped in each header copy", bothDamaged)
var prefixID = good
prefixID[20] ^= 0x01
try add("header_archive_id_changed", "wrong password", "a bit of the archive id flipped: the password slot's AAD no longer matches (indistinguishable from a wrong password)", prefixID)

let r = recordRanges(good)
var flipped = good
flipped[r[1].lowerBound + 20] ^= 0x01
try add("record_flipped", "record failure", "one ciphertext byte of record 1 flipped", flipped)
var flippedTag = good
flippedTag[r[2].upperBound - 1] ^= 0x80
try add("record_tag_flipped", "record failure", "last tag byte of record 2 flipped", flippedTag)
let sameLength = try build(records: [[1, 1, 1], [2, 2, 2], [3, 3, 3]])
let rs = recordRanges(sameLength)
try add("record_reordered", "record failure", "records 0 and 1 (same length) swapped",
        Array(sameLength[..<rs[0].lowerBound]) + sameLength[rs[1]] + sameLength[rs[0]] + sameLength[rs[2]])
try add("record_duplicated", "record failure", "record 0 copied over record 1",
        Array(sameLength[..<rs[0].lowerBound]) + sameLength[rs[0]] + sameLength[rs[0]] + sameLength[rs[2]])
let twin = try build(records: [[1, 1, 1], [2, 2, 2], [9, 9, 9]])
let rt = recordRanges(twin)
try add("record_spliced_same_password", "record failure", "record 2 taken from another archive with the same password",
        Array(sameLength[..<rs[2].lowerBound]) + twin[rt[2]])
var hugeLength = good
hugeLength.replaceSubrange(r[0].lowerBound..<(r[0].lowerBound + 4), with: [0xFF, 0xFF, 0xFF, 0xF0])
try add("record_huge_length", "record failure", "record 0's length field set to 0xFFFFFFF0", hugeLength)
try add("truncated_mid_record", "truncated", "file cut in the middle of record 2", Array(good[..<(r[2].lowerBound + 50)]))
try add("truncated_last_record_dropped", "truncated", "record 2 removed entirely", Array(good[..<r[2].lowerBound]))
try add("truncated_in_header", "truncated", "file cut inside header copy B", Array(good[..<(FormatV1.prefixSize + FormatV1.headerCopySize + 100)]))
try add("unfinished_append", "unfinished append", "a torn record after the committed body (a killed save)", records: payloads,
        good + [0, 0, 0, 40] + [UInt8](repeating: 0xAB, count: 20))
var v2 = good
v2[9] = 2
try add("unsupported_version", "unsupported version", "version field set to 2", v2)
try add("not_an_archive", "not an archive", "a CSV file", Array("客户名称，等级\n华为，A\n".utf8))
var bigKDF = good
for copy in 0..<2 {
    let at = fieldOffset(bigKDF, copy: copy, tag: 0x0B)
    bigKDF[at + 1 + 1 + 2] = 23  // slots: count, type, length(2), then logN
    try fixChecksum(&bigKDF, copy: copy)
}
try add("kdf_cost_above_cap", "kdf refused", "logN set to 23 in both copies (checksums recomputed): refused before deriving", bigKDF)

// Checkpoints (FORMAT.md §6.4) and escrow slots (§5.2).
try add("success_checkpoint", "success", "two records appended as a checkpoint after three, then one more: readers may start at record 3",
        records: payloads + [[4], [5], [6]], try build { try $0.append(contentsOf: [[4], [5]], now: created + 86_400, checkpoint: true); try $0.append([6], now: created + 90_000) })
let withCheckpoint = try build { try $0.append(contentsOf: [[4], [5]], now: created + 86_400, checkpoint: true) }
var beforeCheckpoint = withCheckpoint
beforeCheckpoint[recordRanges(withCheckpoint)[0].lowerBound + 20] ^= 0x01
try add("record_flipped_before_checkpoint", "record failure", "a byte of record 0, before the checkpoint, flipped: a full read (and verify) fails", beforeCheckpoint)
let any = managers.map { AgeKeys.identityString($0) }
try add("success_escrow_any_one", "success", "escrow slots for three holders, any one opens (identities: each alone must open it)",
        records: payloads, identities: any, try buildEscrow(1))
try add("success_escrow_two_of_three", "success", "three Shamir shares of scheme 2 (earlier versions), threshold 2 (identities: the first two together must open it; one alone must not)",
        records: payloads, identities: Array(any.prefix(2)), try buildEscrow(2) { try $0.redealEscrowForTesting(legacy: true) })
// Scheme 3 (FORMAT.md §5.2): verifiable shares with commitments (header field 0x11).
try add("success_escrow_verifiable_two_of_three", "success",
        "three verifiable (Feldman, P-256) shares, threshold 2: every pair of the identities opens it, one alone does not, every holder's own check passes",
        records: payloads, identities: any, threshold: 2, try buildEscrow(2))
try add("escrow_verifiable_inconsistent_share", "success",
        "a malicious writer's 2-of-3 dealing (valid header MAC): the third share is off the committed polynomial; its holder's own check fails, pairs with it do not open, the first two together do; the password opens it",
        records: payloads, identities: any, threshold: 2, inconsistent: [3], try buildEscrow(2) { try $0.redealEscrowForTesting(inconsistentShare: 3) })
var forgedSlot = try buildEscrow(1)
for copy in 0..<2 {
    let at = fieldOffset(forgedSlot, copy: copy, tag: 0x0B)
    // slots: count, password slot (type, length, 101 bytes), then the first escrow slot: type,
    // length(2), scheme, k, x, n, name…: flip a byte of its name.
    forgedSlot[at + 1 + 3 + PasswordSlot.serializedSize + 3 + 4 + 1] ^= 0x01
    try fixChecksum(&forgedSlot, copy: copy)
}
try add("header_escrow_slot_edited", "header failure", "an escrow slot's holder name edited in both copies (checksums recomputed): the MAC fails", forgedSlot)

// FORMAT.md §4.2 0x10 `passwordChanges` (issue 13): created (0), then changed twice by the
// owner (2); and the same field edited in both copies, checksums recomputed (the MAC fails).
let changedTwice = try build(password: otherPassword) {
    try $0.changePassword(to: secret("an intermediate password 2"), kdf: kdf, now: created + 86_400)
    try $0.changePassword(to: secret(password), kdf: kdf, now: created + 2 * 86_400)
}
try add("success_password_changes", "success", "created, then the password changed twice by the owner: passwordChanges (0x10) = 2",
        records: payloads, changedTwice)
scenarios[scenarios.count - 1].passwordChanges = 2
var forgedChanges = changedTwice
for copy in 0..<2 {
    forgedChanges[fieldOffset(forgedChanges, copy: copy, tag: 0x10) + 3] ^= 0x03  // 2 -> 1
    try fixChecksum(&forgedChanges, copy: copy)
}
try add("header_forged_password_changes", "header failure", "passwordChanges (0x10) edited from 2 to 1 in both copies, checksums recomputed: the MAC fails", forgedChanges)

// Owner signatures (FORMAT.md §5.5, §5.6, §6.5): what a holder of the data key (here through an
// escrow identity) can and cannot do without the owner's password.
func asDataKeyHolder(_ bytes: [UInt8], holders: Int = 1, _ edit: (Vault) throws -> Void) throws -> [UInt8] {
    counter += 1
    let path = scratch.appendingPathComponent("k\(counter).svault").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let vault = try Vault.open(path: path, escrowIdentities: Array(managers.prefix(holders)), access: .readWrite)
    try edit(vault)
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
let signedBase = try buildEscrow(1)
let escrowUse = Array("escrow use (not a RECORDS.md batch: the format layer does not read payloads)".utf8)
try add("success_signed_escrow_use", "success",
        "owner-signed archive; a manager then appended one record through escrow (FORMAT.md §5.3): 0x13 untouched and still valid, signedRecordCount 3 of 4",
        records: payloads + [escrowUse], try asDataKeyHolder(signedBase) { try $0.appendEscrowUse(escrowUse, now: created + 86_400) },
        signature: "valid")
try add("owner_signature_flipped", "owner signature invalid",
        "the last byte of the owner's signature (0x13) flipped by a data-key holder, header re-MAC'd: every MAC verifies, the signature does not",
        try asDataKeyHolder(signedBase) { try $0.rewriteHeaderAsDataKeyHolder { $0.ownerSignature?.signature[63] ^= 0x01 } }, signature: "keyless")
try add("owner_record_rewritten", "owner signature invalid",
        "record 1 re-sealed by a data-key holder with other content of the same length, record chain rebuilt, header re-MAC'd: tags and chain verify, the whole-record digest does not",
        try asDataKeyHolder(signedBase) { try $0.rewriteRecordAsDataKeyHolder(index: 1, payload: Array("call：张经理，budget cancelled".utf8)) },
        signature: "keyless")
try add("owner_slot_changed", "owner signature invalid",
        "the first escrow slot removed by a data-key holder, header re-MAC'd: the signature no longer covers the slot list",
        try asDataKeyHolder(signedBase) { v in try v.rewriteHeaderAsDataKeyHolder { h in h.slots.remove(at: 1) } }, signature: "keyless")
// FORMAT.md §4.2 "stripped": both owner fields removed by a data-key holder, no reset flag, while
// the department enrolled the owner's key (`enrolled-key:`): invalid, never "unsigned".
let strippedKey = ownerKey(signedBase)
try add("owner_stripped", "owner signature invalid",
        "0x12 and 0x13 removed by a data-key holder (no mustChangePassword), header re-MAC'd, while the registry enrolled the owner key given as enrolled-key: every MAC verifies and the archive looks unsigned, but it is stripped",
        try asDataKeyHolder(signedBase) { try $0.rewriteHeaderAsDataKeyHolder { h in h.ownerSecrets = nil; h.ownerSignature = nil } }, signature: "stripped")
scenarios[scenarios.count - 1].enrolledKey = strippedKey
// Every field this version added at once (FORMAT.md §4.2 0x10–0x13): verifiable 2-of-3 escrow
// (0x11), the password changed twice by the owner (0x10 = 2; owner secrets 0x12 re-sealed each
// time), owner-signed (0x13), then one escrow use appended by a manager.
let allFields = try buildEscrow(2) {
    try $0.changePassword(to: secret("an intermediate password 2"), kdf: kdf, now: created + 86_400)
    try $0.changePassword(to: secret(otherPassword), kdf: kdf, now: created + 2 * 86_400)
}
try add("success_all_new_fields", "success",
        "verifiable 2-of-3 escrow (0x11), password changed twice (0x10 = 2; the listed password is the last), owner secrets (0x12) and signature (0x13), then one escrow use by a manager: every pair of identities opens it, the signature stays valid",
        password: otherPassword, records: payloads + [escrowUse], identities: any, threshold: 2,
        try asDataKeyHolder(allFields, holders: 2) { try $0.appendEscrowUse(escrowUse, now: created + 3 * 86_400) }, signature: "valid")
scenarios[scenarios.count - 1].passwordChanges = 2

for s in scenarios {
    var text = "expect: \(s.expect)\npassword: \(s.password)\nrecords: \(s.records)\npayload-sha256: \(s.payloadHash)\ncomment: \(s.comment)\n"
    if let changes = s.passwordChanges { text += "password-changes: \(changes)\n" }
    if !s.identities.isEmpty { text += "identities: \(s.identities.joined(separator: " "))\n" }
    if let k = s.threshold { text += "threshold: \(k)\n" }
    if !s.inconsistent.isEmpty { text += "inconsistent: \(s.inconsistent.map(String.init).joined(separator: " "))\n" }
    if let signature = s.signature { text += "signature: \(signature)\n" }
    if let key = s.ownerKey { text += "owner-key: \(key)\n" }
    if let key = s.enrolledKey { text += "enrolled-key: \(key)\n" }
    text += "\n"
    var data = Data(text.utf8)
    data.append(contentsOf: s.bytes)
    try data.write(to: output.appendingPathComponent("\(s.name).svtest"))
    text = ""
}
try writeRegistryVectors(to: output)  // DEPARTMENT.md §3.5, §3.7
print("wrote \(scenarios.count) testkit files to \(output.path)")
