// Crash-test driver: performs one kind of write on an archive in a loop, printing a line after
// each write is acknowledged, until it is killed. The crash tests SIGKILL it at random moments
// and then check that the archive opens with the old or the new state and lost nothing acked.
//
//   svault-torture create ARCHIVE PASSWORD
//   svault-torture append ARCHIVE PASSWORD      prints "acked N" after record N is durable
//   svault-torture passwd ARCHIVE PASSWORD_A PASSWORD_B
//                                               alternates the password, "acked A" / "acked B"
//   svault-torture rekey ARCHIVE PASSWORD       prints "acked G" for each new key generation
//   svault-torture create-escrow ARCHIVE PASSWORD   an archive with one escrow slot (a fixed test key)
//   svault-torture escrow-use ARCHIVE           a manager's escrow uses (FORMAT.md §5.3): "acked N"

import Foundation
import VaultCrypto
import VaultFormat

/// Writes a line straight to fd 1, unbuffered, so the test sees every acknowledgement before a kill.
func say(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
}
let kdf = KDFParameters.Choice.insecureForTesting(logN: 10)
func secret(_ s: String) -> SecureBytes { SecureBytes(Array(s.utf8)) }
func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
/// The test manager's key of the escrow mode (never used for anything else).
let escrowKey = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 0x42, count: 32))

/// The payload of record `n`: its number and a body whose size varies with n.
func payload(_ n: UInt64) -> [UInt8] {
    Array("record-\(n)-".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: Int(n % 7) * 512 + 100)
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch (args.first, args.count) {
    case ("create", 3):
        _ = try Vault.create(path: args[1], owner: "torture", password: secret(args[2]), kdf: kdf, now: now())
    case ("append", 3):
        let vault = try Vault.open(path: args[1], password: secret(args[2]), access: .readWrite)
        while true {
            let n = vault.header.recordCount
            try vault.append(payload(n), now: now())
            say("acked \(n)")
        }
    case ("passwd", 4):
        var current = args[2]
        var next = args[3]
        var vault: Vault
        do {
            vault = try Vault.open(path: args[1], password: secret(current), access: .readWrite)
        } catch let error as VaultError where error.code == .wrongPassword {
            swap(&current, &next)
            vault = try Vault.open(path: args[1], password: secret(current), access: .readWrite)
        }
        while true {
            // Crash safety of the slot rewrite; the last-five rule (FORMAT.md §5.4) is tested elsewhere.
            try vault.changePassword(to: secret(next), kdf: kdf, now: now(), refusingRecent: false)
            say("acked \(next == args[2] ? "A" : "B")")
            swap(&current, &next)
        }
    case ("create-escrow", 3):
        let holder = EscrowSlot.Holder(name: "李经理", recipient: escrowKey.publicKey)
        _ = try Vault.create(path: args[1], owner: "torture", password: secret(args[2]), kdf: kdf, now: now(),
                             escrow: Vault.EscrowPlan(holders: [holder], threshold: 1,
                                                      pin: ArchiveHeader.DepartmentPin(adminKey: [UInt8](repeating: 1, count: 32), registrySerial: 1)))
    case ("escrow-use", 2):
        let vault = try Vault.open(path: args[1], escrowIdentities: [escrowKey], access: .readWrite)
        if vault.unfinishedBytes > 0 || vault.copyStates != [.current, .current] { try vault.repair(backupPath: args[1] + ".backup-\(getpid())") }
        var n = vault.header.recordCount
        while true {
            try vault.appendEscrowUse(payload(n), now: now())
            say("acked \(n)")
            n += 1
        }
    case ("rekey", 3):
        let vault = try Vault.open(path: args[1], password: secret(args[2]), access: .readWrite)
        while true {
            try vault.rekey(now: now())
            say("acked \(vault.header.dekGeneration)")
        }
    default:
        FileHandle.standardError.write(Data("usage: svault-torture create|create-escrow|append|passwd|rekey|escrow-use ARCHIVE [PASSWORD [PASSWORD_B]]\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("svault-torture: \(error)\n".utf8))
    exit(1)
}
