import Foundation

/// Wall-clock marks of a command's phases, printed to standard error when the environment sets
/// `SALESVAULT_PHASES=1` (Docs/PERFORMANCE.md: how the import's time is cut by phase). Costs one
/// check of a flag per mark otherwise.
public enum PhaseClock {
    /// Whether marks are printed (read once).
    public static let enabled: Bool = ProcessInfo.processInfo.environment["SALESVAULT_PHASES"] == "1"
    nonisolated(unsafe) private static var last: UInt64 = 0
    nonisolated(unsafe) private static var start: UInt64 = 0
    private static let lock = NSLock()

    /// Prints the time since the previous mark and since the first, with `name`.
    public static func mark(_ name: @autoclosure () -> String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        if start == 0 { (start, last) = (now, now) }  // (the first mark starts the clock)
        let step = Double(now - last) / 1e6, total = Double(now - start) / 1e6
        last = now
        FileHandle.standardError.write(Data((String(format: "phase %8.1f ms %8.1f ms  ", step, total) + name() + "\n").utf8))
    }
}
