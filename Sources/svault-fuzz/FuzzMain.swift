import Foundation

// The fuzz targets' driver (Docs/FUZZING.md). A normal build is a replay runner:
//   svault-fuzz list                       the targets
//   svault-fuzz replay TARGET PATH...      runs each file (folders: every file in them) through TARGET
//   svault-fuzz seeds DIR                  writes the generated seed corpora under DIR/<target>/
// Built by Scripts/fuzz with `-sanitize=fuzzer,address -DFUZZING`, it is a libFuzzer binary for
// the target named by $SVAULT_FUZZ_TARGET, taking libFuzzer's options (-max_total_time=…, corpus folders).

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target of this fuzzing process, from $SVAULT_FUZZ_TARGET.
private let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["SVAULT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("svault-fuzz: set SVAULT_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point (also reached when libFuzzer's own `main` is the one linked).
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    fuzzTarget.run(bytes)
    return 0
}
#endif

@main
struct SVaultFuzz {
    static func main() throws {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        _ = fuzzTarget
        exit(LLVMFuzzerRunDriver(&argc, &argv) { LLVMFuzzerTestOneInput($0, $1) })
        #else
        let args = Array(CommandLine.arguments.dropFirst())
        switch args.first {
        case "list":
            print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
        case "replay" where args.count >= 2:
            guard let target = FuzzTarget(rawValue: args[1]) else { usage() }
            var count = 0
            for path in args.dropFirst(2) {
                for file in files(at: path) {
                    // Named before it runs: after a crash, the last line names the input.
                    FileHandle.standardError.write(Data("\(target.rawValue) \(file)\n".utf8))
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    target.run([UInt8](data))
                    count += 1
                }
            }
            print("\(target.rawValue): \(count) inputs replayed, no crash")
        case "seeds" where args.count == 2:
            try Seeds.write(to: args[1])
        default:
            usage()
        }
        #endif
    }

    static func files(at path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
        guard isDir.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().flatMap { files(at: path + "/" + $0) }
    }

    static func usage() -> Never {
        FileHandle.standardError.write(Data("usage: svault-fuzz list | replay TARGET PATH... | seeds DIR\n".utf8))
        exit(2)
    }
}
