import Foundation
@testable import SalesArchive
import VaultCrypto
import VaultFormat

/// A new, empty archive in a temporary folder (password "pw", a test-only KDF cost), opened as a
/// test needs it; the folder goes away with the fixture.
final class ArchiveFixture {
    let dir: TempDir
    let path: String

    init(owner: String = "张伟") throws {
        dir = try TempDir()
        path = dir.path("a.svault")
        _ = try Vault.create(path: path, owner: owner, password: SecureBytes(Array("pw".utf8)), kdf: .insecureForTesting(logN: 10), now: monday)
    }

    func open(_ access: Vault.Access = .readWrite) throws -> CustomerArchive {
        try CustomerArchive(vault: Vault.open(path: path, password: SecureBytes(Array("pw".utf8)), access: access))
    }

    func bytes() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}

extension ArchiveFixture {
    /// Creates an empty archive `name` in `dir` (password "pw", test KDF cost); returns its path.
    static func create(_ name: String, in dir: TempDir, owner: String = "张伟") throws -> String {
        let path = dir.path(name)
        _ = try Vault.create(path: path, owner: owner, password: SecureBytes(Array("pw".utf8)), kdf: .insecureForTesting(logN: 10), now: monday)
        return path
    }

    /// Opens the archive at `path` with the fixture password.
    static func open(_ path: String, _ access: Vault.Access = .readWrite) throws -> CustomerArchive {
        try CustomerArchive(vault: Vault.open(path: path, password: SecureBytes(Array("pw".utf8)), access: access))
    }
}
