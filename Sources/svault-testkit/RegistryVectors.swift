import Foundation
import VaultCrypto
import VaultFormat

/// The registry-trust vector (DEPARTMENT.md §3.5, §3.7): an administrator-key rotation statement
/// built here from the spec alone (not with the Department library), so that the library and a
/// second implementation can both be checked against it: `registry_admin_rotation.json`.
func writeRegistryVectors(to output: URL) throws {
    let department = "华东区销售部"
    let (fromSeed, toSeed) = ([UInt8](repeating: 0x5A, count: 32), [UInt8](repeating: 0xA5, count: 32))
    let from = try Curve25519.Signing.PrivateKey(rawRepresentation: fromSeed)
    let to = try Curve25519.Signing.PrivateKey(rawRepresentation: toSeed)
    let serial: UInt64 = 10
    let name = Array(department.utf8)
    var message = Array("SalesVault admin rotation v1".utf8) + [0, UInt8(name.count >> 8), UInt8(name.count & 0xFF)] + name
    message += from.publicKey.rawRepresentation + to.publicKey.rawRepresentation
    message += (0..<8).map { UInt8(truncatingIfNeeded: serial >> UInt64(56 - 8 * $0)) }
    let signature = try from.signature(for: message)
    let svadmin = { (k: Curve25519.Signing.PublicKey) in Bech32.encode(hrp: "svadmin", data: k.rawRepresentation) }
    // `previous` (§3.5): SHA-256 of a version's exact bytes, in lower-case hex.
    let version1 = Array("{\n  \"name\" : \"华东区销售部\",\n  \"serial\" : 1\n}\n".utf8)
    let vector: [String: Any] = [
        "comment": "DEPARTMENT.md §3.7: fromSeedHex signs the message (hex) naming toSeedHex's public key from serial 10; Ed25519 is deterministic, so the signature is fixed. §3.5: previousOf is the `previous` member naming version1 (Base64 of its bytes) as serial 1.",
        "department": department,
        "fromSeedHex": fromSeed.hexString,
        "toSeedHex": toSeed.hexString,
        "serial": serial,
        "messageHex": message.hexString,
        "statement": ["from": svadmin(from.publicKey), "serial": serial, "signature": Base64.encode(signature), "to": svadmin(to.publicKey)],
        "version1": Base64.encode(version1),
        "previousOf": ["serial": 1, "sha256": try SHA256.hash(version1).hexString],
    ]
    let data = try JSONSerialization.data(withJSONObject: vector, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    try (data + Data("\n".utf8)).write(to: output.appendingPathComponent("registry_admin_rotation.json"))
}
