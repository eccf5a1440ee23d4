import Department
import Foundation

/// `--admin-fingerprint` for `init --department` in tests (DEPARTMENT.md §4): the fingerprint of
/// the key that signs `dept`'s registry, as the administrator would read it out by phone (the
/// tests play both parts; a real owner never copies it from the folder).
func adminFingerprintOption(_ dept: String) -> [String] {
    guard let registry = try? Registry.load(directory: dept), let key = try? registry.adminPublicKey else { return [] }
    return ["--admin-fingerprint", KeyFile.fingerprint(key.rawRepresentation)]
}
