internal import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// scrypt (RFC 7914) through `EVP_KDF` "SCRYPT", always with an explicit memory limit: the old
/// `EVP_PBE_scrypt` default of 32 MiB fails at realistic costs.
public enum Scrypt {
    /// Bytes scrypt needs for (N, r, p): the V array plus the B blocks (RFC 7914 §5), plus slack.
    public static func memoryRequired(logN: Int, r: Int, p: Int) -> UInt64 {
        let n = UInt64(1) << UInt64(logN)
        return 128 * UInt64(r) * (n + 2 + UInt64(p)) + (1 << 20)
    }

    /// How many scrypt derivations this process has run (for tests and the session agent's
    /// status: a command served by the agent runs none; Docs/AGENT.md §9).
    public static var derivationCount: Int { counter.value }
    private static let counter = DerivationCounter()

    public static func deriveKey(
        password: some ByteSequence, salt: some ByteSequence, logN: Int, r: Int, p: Int, outputByteCount: Int
    ) throws -> SymmetricKey {
        counter.increment()
        guard (1...40).contains(logN) else { throw CryptoError.invalidParameter("scrypt logN \(logN)") }
        guard r >= 1, p >= 1, r * p < (1 << 30) else { throw CryptoError.invalidParameter("scrypt r=\(r) p=\(p)") }
        guard outputByteCount > 0 else { throw CryptoError.invalidParameter("scrypt output length") }
        let memory = memoryRequired(logN: logN, r: r, p: p)
        do {
            return try deriveKey(password: password, salt: salt, n: UInt64(1) << UInt64(logN), r: r, p: p, maxMemory: memory, outputByteCount: outputByteCount)
        } catch CryptoError.openSSLFailure {
            // The parameters are valid and the limit is what they need: what fails is getting
            // the memory (under `ulimit -v` an owner's or a manager's key was called wrong or bad).
            throw CryptoError.kdfOutOfMemory(bytes: memory)
        }
    }

    static func deriveKey(
        password: some ByteSequence, salt: some ByteSequence, n: UInt64, r: Int, p: Int, maxMemory: UInt64,
        outputByteCount: Int
    ) throws -> SymmetricKey {
        var pass = password.withUnsafeBytes { Array($0) }
        defer { secureZero(&pass) }
        let saltBytes = salt.withUnsafeBytes { Array($0) }
        return try withPinned([pass, saltBytes]) { (buf) -> SymmetricKey in
            var nValue = n
            var rValue = UInt32(r)
            var pValue = UInt32(p)
            var maxmem = maxMemory
            return try withUnsafeMutablePointer(to: &nValue) { (np) -> SymmetricKey in
                try withUnsafeMutablePointer(to: &rValue) { (rp) -> SymmetricKey in
                    try withUnsafeMutablePointer(to: &pValue) { (pp) -> SymmetricKey in
                        try withUnsafeMutablePointer(to: &maxmem) { (mp) -> SymmetricKey in
                            let params = [
                                OSSL_PARAM_construct_octet_string(sv_param_password(), buf[0].baseAddress, buf[0].count),
                                OSSL_PARAM_construct_octet_string(sv_param_salt(), buf[1].baseAddress, buf[1].count),
                                OSSL_PARAM_construct_uint64(sv_param_scrypt_n(), np),
                                OSSL_PARAM_construct_uint32(sv_param_scrypt_r(), rp),
                                OSSL_PARAM_construct_uint32(sv_param_scrypt_p(), pp),
                                OSSL_PARAM_construct_uint64(sv_param_scrypt_maxmem(), mp),
                            ]
                            return SymmetricKey(
                                secureBytes: try KDFRunner.derive(kdfName: "SCRYPT", outputByteCount: outputByteCount, params: params))
                        }
                    }
                }
            }
        }
    }
}

/// A counter behind a mutex (the KDF may run on any thread).
private final class DerivationCounter: @unchecked Sendable {  // every access holds `mutex`
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {  // a stable address, never moved
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
        return m
    }()
    private var count = 0
    func increment() {
        pthread_mutex_lock(mutex)
        count += 1
        pthread_mutex_unlock(mutex)
    }
    var value: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return count
    }
}

/// PBKDF2-HMAC-SHA-256 (RFC 8018), through `PKCS5_PBKDF2_HMAC`.
public enum PBKDF2 {
    public static func deriveKey(
        password: some ByteSequence, salt: some ByteSequence, iterations: Int, outputByteCount: Int
    ) throws -> SymmetricKey {
        guard iterations >= 1, iterations <= Int(Int32.max) else { throw CryptoError.invalidParameter("PBKDF2 iterations \(iterations)") }
        guard outputByteCount > 0, outputByteCount <= Int(Int32.max) else { throw CryptoError.invalidParameter("PBKDF2 output length") }
        clearOpenSSLErrors()
        var failed = false
        let out = SecureBytes(count: outputByteCount) { o in
            withNonNullPointer(password) { pw, pwCount in
                withNonNullPointer(salt) { s, sCount in
                    let rc = UnsafeRawPointer(pw).withMemoryRebound(to: CChar.self, capacity: max(pwCount, 1)) { pwChars in
                        PKCS5_PBKDF2_HMAC(
                            pwChars, Int32(pwCount), s, Int32(sCount), Int32(iterations), EVP_sha256(), Int32(o.count),
                            o.bindMemory(to: UInt8.self).baseAddress)
                    }
                    failed = rc != 1
                }
            }
        }
        if failed { throw openSSLError("PKCS5_PBKDF2_HMAC") }
        return SymmetricKey(secureBytes: out)
    }
}
