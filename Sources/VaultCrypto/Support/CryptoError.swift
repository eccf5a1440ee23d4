internal import COpenSSL

/// Errors thrown by the crypto layer. Authentication failures are deliberately one case with no
/// detail: a caller cannot tell a wrong key from a flipped byte (STYLE 12).
public enum CryptoError: Error, Equatable, Sendable {
    /// The tag or MAC did not verify. No plaintext was released.
    case authenticationFailure
    /// A key had the wrong length for the algorithm.
    case invalidKeySize(expected: Int, actual: Int)
    /// A nonce had the wrong length for the algorithm.
    case invalidNonceSize(expected: Int, actual: Int)
    /// A parameter was outside what the algorithm accepts (named in the message).
    case invalidParameter(String)
    /// An X25519 exchange produced the all-zero shared secret (a low-order public key).
    case lowOrderPoint
    /// OpenSSL reported a failure in `function`; `detail` is OpenSSL's first queued error string.
    case openSSLFailure(function: String, detail: String)
    /// scrypt, with parameters it accepts, could not get the `bytes` of memory it needs (a tight
    /// `ulimit -v`, or a computer short of memory): not a wrong password and not a bad file.
    case kdfOutOfMemory(bytes: UInt64)
}

extension CryptoError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .authenticationFailure: return "authentication failed"
        case .invalidKeySize(let e, let a): return "key must be \(e) bytes, got \(a)"
        case .invalidNonceSize(let e, let a): return "nonce must be \(e) bytes, got \(a)"
        case .invalidParameter(let what): return "invalid parameter: \(what)"
        case .lowOrderPoint: return "X25519 produced an all-zero shared secret"
        case .openSSLFailure(let f, let d): return "OpenSSL \(f) failed: \(d)"
        case .kdfOutOfMemory(let bytes): return "scrypt could not get the \(bytes >> 20) MB of memory it needs"
        }
    }
}

/// Drains OpenSSL's thread-local error queue and returns a thrown-ready error (STYLE 10).
func openSSLError(_ function: String) -> CryptoError {
    var first: String?
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        if first == nil {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            first = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
    return .openSSLFailure(function: function, detail: first ?? "no detail")
}

/// Throws `openSSLError` unless an OpenSSL call returned 1 (its success value).
@inline(__always)
func check(_ result: Int32, _ function: String) throws {
    guard result == 1 else { throw openSSLError(function) }
}

/// Clears any stale queued errors so that a later failure reports its own cause.
@inline(__always)
func clearOpenSSLErrors() {
    ERR_clear_error()
}
