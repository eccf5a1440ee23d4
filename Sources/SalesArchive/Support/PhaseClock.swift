import Foundation
import Synchronization

/// Wall-clock marks of a command's phases, printed to standard error when the environment sets
/// `SALESVAULT_PHASES=1` (Docs/PERFORMANCE.md: how the import's time is cut by phase). Costs one
/// check of a flag per mark otherwise.
public enum PhaseClock {
    /// Whether marks are printed (read once).
    public static let enabled: Bool = ProcessInfo.processInfo.environment["SALESVAULT_PHASES"] == "1"
    /// The first mark's time and the previous one's (0 before the first), behind a lock: marks
    /// may come from any thread.
    private static let times = Mutex<(start: UInt64, last: UInt64, lastCPU: UInt64)>((0, 0, 0))

    /// Prints the time since the previous mark and since the first, the CPU time of all the
    /// process's threads since the previous mark (twice the wall time when both cores were busy
    /// throughout), and `name`.
    public static func mark(_ name: @autoclosure () -> String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        let cpu = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        let (step, total, stepCPU) = times.withLock { t -> (Double, Double, Double) in
            if t.start == 0 { t = (now, now, cpu) }  // (the first mark starts the clock)
            defer { t.last = now; t.lastCPU = cpu }
            return (Double(now - t.last) / 1e6, Double(now - t.start) / 1e6, Double(cpu - t.lastCPU) / 1e6)
        }
        FileHandle.standardError.write(Data((String(format: "phase %8.1f ms %8.1f ms  cpu %7.1f ms  ", step, total, stepCPU) + name() + "\n").utf8))
    }
}
