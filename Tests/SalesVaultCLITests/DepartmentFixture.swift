import Department
import Foundation
import VaultCrypto
@testable import VaultFormat
import XCTest

/// The test department the department CLI tests share (DEPARTMENT.md): a folder `D` in a fresh
/// temporary directory, signed by an administrator key, with managers whose key files and
/// passphrases are in the same directory, archives at the insecure testing cost 2^10 (the
/// department's KDF floor is lowered to accept them), and the clock fixed by `SALESVAULT_NOW`.
/// Each test class keeps its own one-line forwarders (`sv`, `admin`, …) so its tests read as before.
final class DepartmentFixture {
    /// A manager: the key file `k/<file>.key` (its passphrase in `<passphraseFile>`), the name in
    /// the registry and the role (none when nil).
    struct Manager {
        let file: String
        let name: String
        let role: String?
        let passphraseFile: String
        let passphrase: String

        static let li = Manager(file: "li", name: "李经理", role: "department manager", passphraseFile: "lp", passphrase: "manager li passphrase")
        static let wang = Manager(file: "wang", name: "王总", role: "general manager", passphraseFile: "wp", passphrase: "general wang passphrase")
        static let chen = Manager(file: "chen", name: "陈审计", role: "auditor", passphraseFile: "chenp", passphrase: "chen key passphrase 2026")

        func withoutRole() -> Manager { Manager(file: file, name: name, role: nil, passphraseFile: passphraseFile, passphrase: passphrase) }
    }

    static let t0: Int64 = 1_767_261_600  // 2026-01-01 10:00 UTC
    static let password = "horse battery staple"
    var t0: Int64 { Self.t0 }
    func at(day: Int) -> Int64 { t0 + Int64(day) * 86_400 }

    let dir: TempDir
    let managers: [Manager]
    var dept: String { dir.path("D") }
    /// The environment of every command: UTC and the test clock (set per call).
    var environment: [String: String] = ["TZ": "UTC"]

    /// Creates the folder with `managers` and `policy` (extra `dept policy` options; the KDF floor
    /// is lowered to 2^10 unless `lowerKDFFloor` is false), at `now`. `environment` adds variables
    /// to every command, the set-up's included (it may make folders in the new directory).
    init(managers: [Manager] = [.li, .wang], policy: [String] = [], lowerKDFFloor: Bool = true, now: Int64 = DepartmentFixture.t0,
         environment extra: (TempDir) throws -> [String: String] = { _ in [:] }) throws {
        dir = try TempDir()
        self.managers = managers
        environment.merge(try extra(dir)) { $1 }
        _ = try dir.write("pw", Self.password + "\n")
        _ = try dir.write("ap", "admin pass phrase 2026\n")
        try sv(["dept", "init", dept, "--name", "华东区销售部", "--admin-key", dir.path("admin.key"), "--admin-passphrase-file", dir.path("ap"), "--insecure-kdf-cost", "10"], now: now)
        for m in managers {
            _ = try dir.write(m.passphraseFile, m.passphrase + "\n")
            try sv(["keys", "generate", m.file, "--dir", dir.path("k"), "--passphrase-file", dir.path(m.passphraseFile), "--insecure-kdf-cost", "10"], now: now)
            try admin(["add-manager", dept, m.name, "--pub", dir.path("k/\(m.file).pub")] + (m.role.map { ["--role", $0] } ?? []), now: now)
        }
        let options = (lowerKDFFloor ? ["--min-kdf-cost", "10"] : []) + policy
        if !options.isEmpty { try admin(["policy", dept] + options, now: now) }
    }

    /// Runs the built binary at `now` (default t0) and checks its exit status; `environment` adds
    /// variables; with `executable`, runs that with `prefix`, the binary's path and `args` (e.g. setpriv).
    @discardableResult
    func sv(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, environment more: [String: String] = [:],
            executable: String? = nil, prefix: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let env = environment.merging(["SALESVAULT_NOW": String(now ?? Self.t0)]) { $1 }.merging(more) { $1 }
        let r = try executable == nil ? runTool(args, environment: env)
            : runTool(prefix + [Binaries.url("salesvault").path] + args, executable: executable, environment: env)
        XCTAssertEqual(r.status, status, "\(args.joined(separator: " ")): \(r.stdout)\(r.stderr)", file: file, line: line)
        return r
    }

    /// A `dept` subcommand signed with the administrator key (`key`, its passphrase in `passphrase`).
    @discardableResult
    func admin(_ args: [String], key: String = "admin.key", passphrase: String = "ap", now: Int64? = nil, expect status: Int32 = 0,
               file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try sv(["dept"] + args + ["--admin-key", dir.path(key), "--admin-passphrase-file", dir.path(passphrase)], now: now, expect: status, file: file, line: line)
    }

    /// `owner`'s archive, created in the department with the fingerprint confirmed (DEPARTMENT.md
    /// §4), unless `enroll` is false the owner key enrolled (§3.8), and with `customer` one customer.
    @discardableResult
    func newArchive(_ owner: String, enroll: Bool = true, customer: Bool = false, now: Int64? = nil) throws -> String {
        try admin(["add-salesperson", dept, owner], now: now)
        try sv(["init", "--department", dept, "--owner", owner, "--password-file", dir.path("pw"), "--insecure-kdf-cost", "10"] + adminFingerprintOption(dept), now: now)
        if enroll { try admin(["enroll", dept, owner, "--yes"], now: now) }
        if customer { try sv(["customer", "add", "华为技术有限公司"] + self.owner(archive(owner)), now: now) }
        return archive(owner)
    }

    func archive(_ owner: String) -> String { dept + "/archives/\(owner).svault" }

    /// The options that open as the manager whose key file is `k/<file>.key`.
    func key(_ file: String) -> [String] {
        ["--identity", dir.path("k/\(file).key"), "--passphrase-file", dir.path(manager(file).passphraseFile)]
    }

    func manager(_ file: String) -> Manager {
        managers.first { $0.file == file } ?? Manager(file: file, name: file, role: nil, passphraseFile: file + "p", passphrase: "")
    }

    /// The manager's X25519 identity, read from their key file.
    func identity(_ file: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        let text = try KeyFile.open(try KeyFile.read(dir.path("k/\(file).key"))) { SecureBytes(Array(self.manager(file).passphrase.utf8)) }
        return try KeyFile.parseIdentity(text)
    }

    func logPath(_ archive: String) throws -> String {
        dept + "/audit/\(try ArchiveInspection.inspect(path: archive).prefix.archiveIDHex).log"
    }

    /// The first row of `compliance DIR --json`.
    func complianceRow(now: Int64? = nil, expect: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = try sv(["compliance", dept, "--json"], now: now, expect: expect, file: file, line: line)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try XCTUnwrap((report["archives"] as? [[String: Any]])?.first)
    }

    /// The attack of issue 13 as a data-key holder's own tool does it: the last escrow-use record
    /// cut off the body, and the header rewritten (counts, chain, `escrowUses`) and re-MACed as
    /// it was `before` the use.
    func removeLastEscrowUse(_ archive: String, before: ArchiveHeader, manager file: String) throws {
        let vault = try Vault.open(path: archive, escrowIdentities: [try identity(file)], access: .readWrite)
        var forged = vault.header
        forged.recordCount = before.recordCount
        forged.bodyLength = before.bodyLength
        forged.recordChain = before.recordChain
        forged.escrowUses = nil
        try vault.file.truncate(to: FormatV1.bodyOffset + Int(before.bodyLength))
        try vault.writeHeader(forged)
    }

    /// The owner's options: the archive and the password file.
    func owner(_ archive: String) -> [String] { ["-a", archive, "--password-file", dir.path("pw")] }
}

/// A test class on the shared department: `f` is made afresh for every test by `makeFixture()`
/// (override it for other managers or policy); the helpers below are the ones every department
/// CLI test uses.
class DepartmentCLITestCase: XCTestCase {
    var f: DepartmentFixture!
    var dir: TempDir { f.dir }
    var dept: String { f.dept }
    var t0: Int64 { DepartmentFixture.t0 }
    func at(day: Int) -> Int64 { f.at(day: day) }

    func makeFixture() throws -> DepartmentFixture { try DepartmentFixture() }

    override func setUpWithError() throws {
        try super.setUpWithError()
        f = try makeFixture()
    }

    @discardableResult
    func sv(_ args: [String], now: Int64? = nil, expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try f.sv(args, now: now, expect: status, file: file, line: line)
    }

    @discardableResult
    func admin(_ args: [String], key: String = "admin.key", passphrase: String = "ap", now: Int64? = nil, expect status: Int32 = 0,
               file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        try f.admin(args, key: key, passphrase: passphrase, now: now, expect: status, file: file, line: line)
    }

    /// Registers `owner`, creates their archive in the department at `now` and, unless `enroll`
    /// is false, enrolls its key (DEPARTMENT.md §3.8).
    @discardableResult
    func newArchive(_ owner: String, enroll: Bool = true, now: Int64? = nil) throws -> String { try f.newArchive(owner, enroll: enroll, now: now) }

    func li() -> [String] { f.key("li") }
    func wang() -> [String] { f.key("wang") }
    func owner(_ archive: String) -> [String] { f.owner(archive) }
}
