import Dispatch

/// Order-independent work of a large commit spread over the cores: each iteration computes only
/// its own result from what it reads, and the results come back in order of their index, so the
/// outcome is the same as a loop's.
enum Concurrent {
    /// `body(i)` for each `i` in `0..<count`, concurrently when there is more than one; the
    /// results in order of `i`. An error of any iteration is thrown (the lowest index's).
    static func map<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        guard count > 1 else { return try (0..<count).map(body) }
        let slots = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let box = ConcurrentSlots(slots)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBody(body: body)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                box.buffer[i] = Result { try shared.body(i) }
            }
        }
        return try slots.map { try $0!.get() }
    }
}

/// The slots of `Concurrent.map`: each iteration writes only its own, and they are read after
/// `concurrentPerform` returns.
private struct ConcurrentSlots<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// The body of `Concurrent.map`, called from the workers: it only reads what it shares.
private struct UncheckedBody<T>: @unchecked Sendable {
    let body: (Int) throws -> T
}
