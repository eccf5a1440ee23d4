import Dispatch

/// Order-independent work of a large commit spread over the cores: each iteration computes only
/// its own result from what it reads, and the results come back in order of their index, so the
/// outcome is the same as a loop's.
package enum Concurrent {
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

    /// `body` over consecutive chunks of `0..<count` of at most `chunk` indices, concurrently.
    /// Each chunk emits at most as many items as it has indices, in order; the items are joined
    /// in the order of the chunks, each written into the result where its chunk's part begins
    /// and moved down to close the gaps left by chunks that emitted fewer (a move is a memory
    /// copy: no reference is retained or released, where joining the chunks' own arrays copies
    /// each item and frees each again). With each chunk's own result, in order.
    package static func emitting<T: Sendable, R: Sendable>(_ count: Int, chunk: Int, _ body: @Sendable (Range<Int>, (T) -> Void) -> R) -> (items: [T], results: [R]) {
        let size = max(1, chunk)
        let n = count == 0 ? 0 : (count - 1) / size + 1  // (a chunk of Int.max: one chunk)
        var results: [R] = []
        let items = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each chunk initialises only its own indices of the buffer; the gaps are closed
            // after every chunk has returned.
            let region = PerShard(buffer)
            let made: [(emitted: Int, result: R)] = (try? map(n) { c in
                let range = c * size..<(c * size + min(size, count - c * size))
                var emitted = 0
                let result = body(range) { item in
                    precondition(emitted < range.count, "Concurrent.emitting: a chunk emitted more items than it has indices")
                    (region.buffer.baseAddress! + range.lowerBound + emitted).initialize(to: item)
                    emitted += 1
                }
                return (emitted, result)
            }) ?? []  // (nothing throws)
            var filled = 0
            for (c, part) in made.enumerated() {
                if part.emitted > 0 && c * size != filled {
                    (buffer.baseAddress! + filled).moveInitialize(from: buffer.baseAddress! + c * size, count: part.emitted)  // (the ranges may overlap)
                }
                filled += part.emitted
            }
            initialized = filled
            results = made.map(\.result)
        }
        return (items, results)
    }
}

/// Frees `value` on another thread. It is moved into a box that only the block on the other
/// thread holds besides the caller, and the block empties the box: the value is freed there
/// whichever thread lets go of the box last. (A block that held a copy of the value itself
/// freed it on the caller's thread whenever it ran before the caller dropped its own copy.)
/// The caller gives its last use of the value (`consume` where the compiler could keep a copy).
package func releaseInBackground<T>(_ value: consuming T) {
    let box = DroppedBox(value)
    DispatchQueue.global(qos: .utility).async { box.drop() }
}

/// A value given to another thread only to be freed there: set when made, emptied there (after
/// the dispatch that hands it over), read by no one.
private final class DroppedBox<T>: @unchecked Sendable {
    private var value: T?

    init(_ value: consuming T) { self.value = value }

    func drop() { value = nil }
}
