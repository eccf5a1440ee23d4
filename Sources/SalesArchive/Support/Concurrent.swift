import Dispatch

/// Order-independent work of a large commit spread over the cores: each iteration computes only
/// its own result from what it reads, and the results come back in order of their index, so the
/// outcome is the same as a loop's.
enum Concurrent {
    /// `body(i)` for each `i` in `0..<count`, concurrently when there is more than one; the
    /// results in order of `i`. An error of any iteration is thrown (the lowest index's). Each
    /// iteration writes only its own slot (`PerShard`, the module's one buffer shared by workers).
    static func map<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        guard count > 1 else { return try (0..<count).map(body) }
        var slots = [Result<T, Error>?](repeating: nil, count: count)
        slots.withUnsafeMutableBufferPointer { buffer in
            let box = PerShard(buffer)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                box.buffer[i] = Result { try body(i) }
            }
        }
        return try slots.map { result in
            guard let result else { preconditionFailure("Concurrent.map: a slot was not filled") }
            return try result.get()
        }
    }
}
