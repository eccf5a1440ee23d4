import VaultCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// scrypt parameters of a password slot (FORMAT.md §5.1).
public struct KDFParameters: Sendable, Equatable {
    public let logN: Int
    public let r: Int
    public let p: Int

    /// Validated for opening: logN in 10…22, r = 8, p = 1 (FORMAT.md §5.1).
    public init(logN: Int, r: Int = FormatV1.scryptR, p: Int = FormatV1.scryptP) throws {
        guard logN <= FormatV1.maxScryptLogN else {
            throw VaultError(.kdfRefused, "scrypt cost 2^\(logN) is above the limit 2^\(FormatV1.maxScryptLogN)")
        }
        guard logN >= FormatV1.minTestingScryptLogN else {
            throw VaultError(.kdfRefused, "scrypt cost 2^\(logN) is below the minimum 2^\(FormatV1.minTestingScryptLogN)")
        }
        guard r == FormatV1.scryptR, p == FormatV1.scryptP else {
            throw VaultError(.kdfRefused, "scrypt r=\(r) p=\(p); version 1 uses r=8 p=1")
        }
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// True when below the creation floor: made with the insecure testing option.
    public var isWeak: Bool { logN < FormatV1.minScryptLogN }

    /// Memory the derivation needs, in bytes.
    public var memoryBytes: UInt64 { Scrypt.memoryRequired(logN: logN, r: r, p: p) }

    /// Parameters for a new slot: calibrated on this machine (FORMAT.md §5.1), or a fixed low
    /// cost through the insecure testing option.
    public enum Choice: Sendable, Equatable {
        case calibrated
        case fixed(logN: Int)
        /// Only for tests and demos; `status` reports the archive as weak.
        case insecureForTesting(logN: Int)
    }

    public static func resolve(_ choice: Choice) throws -> KDFParameters {
        switch choice {
        case .calibrated:
            return try calibrate()
        case .fixed(let logN):
            guard (FormatV1.minScryptLogN...FormatV1.maxScryptLogN).contains(logN) else {
                throw VaultError(.invalidArgument, "scrypt cost must be 2^\(FormatV1.minScryptLogN) to 2^\(FormatV1.maxScryptLogN)")
            }
            return try KDFParameters(logN: logN)
        case .insecureForTesting(let logN):
            guard (FormatV1.minTestingScryptLogN..<FormatV1.minScryptLogN).contains(logN) else {
                throw VaultError(
                    .invalidArgument,
                    "the insecure testing cost must be 2^\(FormatV1.minTestingScryptLogN) to 2^\(FormatV1.minScryptLogN - 1)")
            }
            return try KDFParameters(logN: logN)
        }
    }

    /// The largest logN in 17…20 whose estimated time here is at most one second. scrypt's time
    /// doubles with each step of logN, so one measurement at 2^14 predicts the rest.
    static func calibrate(targetSeconds: Double = 1.0) throws -> KDFParameters {
        let probeLogN = 14
        let start = monotonicSeconds()
        _ = try Scrypt.deriveKey(password: [0x70], salt: [UInt8](repeating: 0, count: 32), logN: probeLogN, r: 8, p: 1, outputByteCount: 32)
        let probe = max(monotonicSeconds() - start, 1e-6)
        var logN = FormatV1.minScryptLogN
        while logN < FormatV1.maxCalibratedLogN, probe * Double(1 << (logN + 1 - probeLogN)) <= targetSeconds {
            logN += 1
        }
        return try KDFParameters(logN: logN)
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
