import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The agent's own clock (Docs/AGENT.md §8): the wall clock for what is shown, and the boot-time
/// clock (it counts suspended time and never jumps back) for the limits. A test clock instead when
/// the agent was started with `SALESVAULT_NOW` and `SALESVAULT_TESTING=1`: it only moves forward, to the largest `now` of
/// the requests, and never by itself.
final class AgentClock {
    private(set) var isTest: Bool
    private var testNow: Int64

    init(environment: [String: String]) {
        if let value = Clock.testNow(environment) {  // only with SALESVAULT_TESTING=1
            isTest = true
            testNow = value
        } else {
            isTest = false
            testNow = 0
        }
    }

    /// Seconds since 1970 (for display) and seconds on the limits' clock.
    var now: (wall: Int64, mono: Int64) {
        if isTest { return (testNow, testNow) }
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return (Int64(time(nil)), Int64(ts.tv_sec))
    }

    /// A request's time: moves a test clock forward, never back; ignored otherwise.
    func observe(requestTime: Int64?) {
        guard isTest, let requestTime, requestTime > testNow, requestTime <= 253_402_300_799 else { return }
        testNow = requestTime
    }

    /// Real seconds since boot, whatever the mode (for the agent's own inactivity exit).
    static var realMonotonic: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec)
    }
}
