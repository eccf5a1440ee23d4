import Foundation
import VaultCrypto
import VaultFormat
import SalesArchive
import Department

/// `svault-fuzz seeds DIR`: writes the generated seed corpora (Tests/Fuzz/Corpus/<target>/) from
/// the testkit and from archives, key files and registries made through the public API. The
/// CSV, XLSX and import seeds are made by Tests/Fuzz/make-seeds.py, not here.
enum Seeds {
    static func write(to root: String) throws {
        func put(_ target: FuzzTarget, _ name: String, _ bytes: [UInt8]) throws {
            let dir = root + "/" + target.rawValue
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        let copy = FormatV1.headerCopySize
        // header: each testkit archive's header bodies, and the first bytes of a few files as they are.
        for a in try Testkit.all() {
            let stem = String(a.name.dropLast(".svtest".count))
            for (i, start) in [FormatV1.prefixSize, FormatV1.prefixSize + copy].enumerated() where a.bytes.count >= start + 4 {
                let n = a.bytes[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
                guard n > 0, start + 4 + n <= a.bytes.count, n < copy else { continue }
                try put(.header, "\(stem)-\(i == 0 ? "a" : "b")", Array(a.bytes[(start + 4)..<(start + 4 + n)]))
            }
            if a.bytes.count < 256 || a.name.hasPrefix("truncated_in_header") {
                try put(.header, "\(stem)-raw", Array(a.bytes.prefix(512)))
            }
            // records: the bodies (record streams) of the archives with records.
            if a.bytes.count > FormatV1.bodyOffset, a.bytes.count - FormatV1.bodyOffset < 4096 {
                try put(.records, stem, Array(a.bytes[FormatV1.bodyOffset...]))
            }
        }

        // payload and snapshot: the records of a small customer archive, and of its snapshot.
        let dir = NSTemporaryDirectory() + "/svault-fuzz-seeds-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let day: Int64 = 1_790_000_000
        let vault = try Vault.create(path: dir + "/a.svault", owner: "张伟", password: SecureBytes(Array("seed password".utf8)),
                                     kdf: .insecureForTesting(logN: FormatV1.minTestingScryptLogN), now: day)
        let a = try CustomerArchive(vault: vault)
        try a.addCustomer(name: "华为技术有限公司", fields: [("grade", "C"), ("industry", "通信")], now: day)
        try a.addCustomer(name: "Acme Trading Ltd", now: day + 60)
        try a.addContact(customer: "华为", name: "王敏", fields: [("role", "decisionMaker"), ("attitude", "supportive")], now: day + 120)
        try a.logActivity(customer: "华为", type: "visit", summary: "介绍方案", at: day + 86_400, contacts: ["王敏"], nextStep: "发报价",
                          nextDate: "2026-11-30", now: day + 86_400)
        try a.logActivity(customer: "Acme", type: "call", summary: "first call", at: day + 90_000, now: day + 90_000)
        try a.addProject(customer: "华为", name: "园区网络", fields: [("expectedSign", "2027-01-15")], now: day + 2 * 86_400)
        try a.fileComplaint(customer: "华为", about: "售后 李强", description: "迟到", receivedAt: day + 4 * 86_400, now: day + 4 * 86_400)
        try a.setGrade("Acme", to: "B", reason: "budget confirmed", now: day + 5 * 86_400)
        let before = vault.header.recordCount
        try a.writeSnapshot(now: day + 6 * 86_400)
        try a.logActivity(customer: "Acme", type: "call", summary: "after the snapshot", at: day + 7 * 86_400, now: day + 7 * 86_400)
        let records = try vault.readAllRecords()
        for (i, r) in records.enumerated() where i < Int(before) || i == records.count - 1 {
            try put(.payload, "batch-\(i)", r)
        }
        try put(.payload, "all-batches", FuzzTarget.joined(Array(records[..<Int(before)])))
        let snapshot = Array(records[Int(before)...])
        try put(.snapshot, "snapshot-and-tail", FuzzTarget.joined(snapshot))
        try put(.snapshot, "snapshot-only", FuzzTarget.joined(Array(snapshot.dropLast())))
        try put(.snapshot, "meta-only", snapshot[0])

        // age: files to the fuzz identity and to the fuzz passphrase (work factor within the cap).
        let plaintext = Array("AGE-SECRET-KEY-1 fuzz seed plaintext\n".utf8)
        try put(.age, "x25519", try AgeFile.encrypt(plaintext, to: [.x25519(FuzzTarget.ageIdentity.publicKey)]))
        try put(.age, "scrypt", try AgeFile.encrypt(plaintext, to: [.scrypt(passphrase: SecureBytes(Array(FuzzTarget.agePassphrase.utf8)), logN: 10)]))
        try put(.age, "x25519-armored", try AgeFile.encrypt(plaintext, to: [.x25519(FuzzTarget.ageIdentity.publicKey)], armored: true))
        try put(.age, "x25519-two", try AgeFile.encrypt([UInt8](repeating: 0x61, count: 70_000),
                                                        to: [.x25519(FuzzTarget.ageIdentity.publicKey), .x25519(try Curve25519.KeyAgreement.PrivateKey().publicKey)]))

        // keys: every key file the tool writes, and a passphrase-protected one.
        let created = Date(timeIntervalSince1970: 1_790_000_000)
        let identity = try Curve25519.KeyAgreement.PrivateKey()
        let admin = try Curve25519.Signing.PrivateKey()
        try put(.keys, "identity", Array(KeyFile.identityText(identity, created: created).utf8))
        try put(.keys, "admin", Array(KeyFile.adminText(admin, created: created).utf8))
        try put(.keys, "admin-public", Array(KeyFile.adminPublicString(admin.publicKey).utf8))
        try put(.keys, "recipient", Array(AgeKeys.recipientString(identity.publicKey).utf8))

        // registry: an empty one and one with managers, salespeople and a policy.
        var registry = Registry(name: "华东销售部", adminKey: admin.publicKey, now: day)
        try put(.registry, "empty", try registry.encoded())
        registry.managers = [
            Registry.Manager(addedAt: Registry.timestamp(day), name: "李娜", recipient: AgeKeys.recipientString(identity.publicKey), role: "manager"),
            Registry.Manager(addedAt: Registry.timestamp(day), name: "Director", recipient: AgeKeys.recipientString(try Curve25519.KeyAgreement.PrivateKey().publicKey), role: "director"),
        ]
        registry.salespeople = [Registry.Salesperson(addedAt: Registry.timestamp(day), archive: "张伟.svault", name: "张伟")]
        try put(.registry, "managers", try registry.encoded())
    }
}
