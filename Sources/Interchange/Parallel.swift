import Dispatch
import SalesArchive

/// Work spread over every core (the XLSX writer's rows and deflate blocks, the weekly report's
/// appendix): `body` must only read what it shares.
enum Parallel {
    /// `body(i)` for each `i` in `0..<count`, run concurrently; the results in order of `i`.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return (0..<count).map(body) }
        let slots = Slots<T>(count)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
        return slots.take()
    }

    /// `body` over consecutive chunks of `0..<count` of at most `chunk` items, concurrently;
    /// the chunks' results joined in order.
    static func chunks<T: Sendable>(_ count: Int, chunk: Int, _ body: @Sendable (Range<Int>) -> [T]) -> [T] {
        let size = max(1, chunk)
        let n = (count + size - 1) / size
        return map(n) { i in body(i * size..<min(count, (i + 1) * size)) }.flatMap { $0 }
    }
}

extension Parallel {
    /// `body(i)` for each `i` in `0..<count`, computed concurrently in consecutive chunks of at
    /// most `chunk` indices, each written straight into its place in the result: what
    /// `chunks { $0.map(body) }` gives, without the chunks' arrays and the copy that joins them
    /// (a copy of a value holding references retains each of them, and freeing the chunks
    /// releases each again: a tenth of reading a large import's rows).
    static func fill<T: Sendable>(_ count: Int, chunk: Int, _ body: @Sendable (Int) -> T) -> [T] {
        Concurrent.emitting(count, chunk: chunk) { range, emit in for i in range { emit(body(i)) } }.items
    }

    /// `Concurrent.emitting`: chunks that each emit their items into place.
    static func emitting<T: Sendable, R: Sendable>(_ count: Int, chunk: Int, _ body: @Sendable (Range<Int>, (T) -> Void) -> R) -> (items: [T], results: [R]) {
        Concurrent.emitting(count, chunk: chunk, body)
    }
}

/// One slot per iteration of `concurrentPerform`: each iteration writes only its own slot, and
/// the slots are read after it returns (the one unchecked type for that).
private final class Slots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    init(_ count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ i: Int, _ value: T) { buffer[i] = value }

    func take() -> [T] {
        buffer.indices.map { i in
            guard let v = buffer[i] else { preconditionFailure("Parallel.map: slot \(i) was not filled") }
            buffer[i] = nil
            return v
        }
    }
}

/// Freeing large values off the critical path.
public enum Background {
    /// Frees `value` on a background thread: the freeing of a large structure (the 2.3 million
    /// cells of a 100,000-customer workbook, its shared-string table: a quarter of a second)
    /// happens there instead of on the caller's thread. The caller gives its last use of the
    /// value (`consume` where the compiler could keep a copy): a copy the caller kept would be
    /// the last one dropped, on its own thread. A command-line process that exits meanwhile
    /// leaves the memory to the system. (Kept until the exit instead, the memory is not reused:
    /// measured slower, by the kernel's fresh pages.)
    public static func release<T>(_ value: consuming T) {
        releaseInBackground(value)
    }

    /// The same for the value of a variable, which gives it up (left holding `empty`): then no
    /// copy stays with the caller, whatever the compiler keeps alive to the end of its scope.
    public static func release<T>(_ value: inout T, leaving empty: T) {
        var taken = empty
        swap(&taken, &value)
        releaseInBackground(consume taken)
    }

    /// The same for an object the caller is done with and that nothing else uses (a command's
    /// unlocked archive once the command has finished): only its freeing moves.
    public static func release(dropping object: consuming AnyObject) {
        releaseInBackground(object)
    }
}
