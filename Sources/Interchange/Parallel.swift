import Dispatch

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
    /// Takes a reference to `value` and drops it on a background thread, so that when the caller
    /// drops its own, right after, the freeing of a large structure (the 2.3 million cells of a
    /// 100,000-customer workbook, its shared-string table: a quarter of a second) happens there
    /// instead of on the caller's thread. A command-line process that exits meanwhile leaves the
    /// memory to the system. (Kept until the exit instead, the memory is not reused: measured
    /// slower, by the kernel's fresh pages.)
    public static func release<T: Sendable>(_ value: T) {
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(value) {} }
    }

    /// The same for an import's preview (its plan holds a record's events per row, its source
    /// the file's cells), once the command is done with it: nothing reads or changes it on
    /// either thread any more, only the freeing moves.
    public static func release(_ preview: ImportPreview) {
        let box = Dropped(value: preview)
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(box) {} }
    }

    /// The same for an object the caller is done with and that nothing else uses (a command's
    /// unlocked archive once the command has finished): only its freeing moves.
    public static func release(dropping object: AnyObject) {
        let box = Dropped(value: object)
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(box) {} }
    }

    /// A value only dropped on the other thread, never read there.
    private struct Dropped<T>: @unchecked Sendable { let value: T }
}
