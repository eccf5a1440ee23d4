import Foundation

/// The folders `TempDir` made, removed when the test process exits. XCTest on Linux keeps every
/// test case, and with it the `TempDir` a test stored, until the run ends and then exits without
/// releasing them: `deinit` alone left about a thousand folders in /tmp after each run.
public final class TempDirSweeper: @unchecked Sendable {
    public static let shared = TempDirSweeper()
    private let lock = NSLock()
    private var urls: [URL] = []

    public func keep(_ url: URL) {
        lock.lock()
        defer { lock.unlock() }
        if urls.isEmpty { atexit { TempDirSweeper.shared.sweep() } }
        urls.append(url)
    }

    public func sweep() {
        lock.lock()
        defer { lock.unlock() }
        for url in urls { TempDirSweeper.remove(url) }
        urls = []
    }

    /// Removes `url`, first giving its folders back the owner's rights a test may have taken.
    public static func remove(_ url: URL) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: url.path) else { return }
        if (try? fm.removeItem(at: url)) != nil { return }
        chmod(url.path, 0o700)
        if let walk = fm.enumerator(atPath: url.path) {
            for case let sub as String in walk {
                var isDir: ObjCBool = false
                let p = url.appendingPathComponent(sub).path
                if fm.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue { chmod(p, 0o700) }
            }
        }
        try? fm.removeItem(at: url)
    }
}
