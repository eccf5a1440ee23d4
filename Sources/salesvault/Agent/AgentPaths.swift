import Foundation
import SalesArchive

#if canImport(Glibc)
import Glibc
#endif

/// Where the agent's socket lives (Docs/AGENT.md §3): a 0700 directory of the user, under
/// `$XDG_RUNTIME_DIR` or in `/tmp`, checked with `lstat` (never followed) before any use.
enum AgentPaths {
    static let socketName = "agent.sock"
    /// `sun_path` holds 108 bytes with the terminating zero.
    static let maxSocketPathBytes = 107

    /// The socket directory. With `create`, a missing directory is made 0700; without, nil when
    /// it does not exist (no agent can be running). A directory that exists but is not the
    /// user's own private directory is refused.
    static func directory(create: Bool) throws -> String? {
        let uid = getuid()
        var base = "/tmp/salesvault-agent-\(uid)"
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/"),
           isPrivateDirectory(runtime, uid: uid, exactMode: false) {
            base = (runtime.hasSuffix("/") ? String(runtime.dropLast()) : runtime) + "/salesvault"
        }
        var st = stat()
        if lstat(base, &st) != 0 {
            guard errno == ENOENT else { throw problem(base, L("cannot be examined (\(String(cString: strerror(errno))))", "无法检查（\(SystemCause(errno).chinese)）")) }
            guard create else { return nil }
            if mkdir(base, 0o700) != 0 && errno != EEXIST {
                throw problem(base, L("cannot be created (\(String(cString: strerror(errno))))", "无法创建（\(SystemCause(errno).chinese)）"))
            }
        }
        guard isPrivateDirectory(base, uid: uid, exactMode: true) else {
            throw problem(base, L("is not a private directory of yours (it must be a real directory, owned by you, mode 0700)",
                                  "不是您本人的私有目录（必须是普通目录而非链接、归您所有、权限为 0700）"))
        }
        return base
    }

    /// The socket's path in `directory`, refused when it does not fit `sun_path`.
    static func socketPath(in directory: String) throws -> String {
        let path = directory + "/" + socketName
        guard path.utf8.count <= maxSocketPathBytes else {
            throw CLIError(.failure, L("the agent's socket path is too long (\(path.utf8.count) bytes, at most \(maxSocketPathBytes)): \(path)",
                                       "会话代理的通信文件路径过长（\(path.utf8.count) 字节，最多 \(maxSocketPathBytes) 字节）：\(path)"),
                           hint: L("set XDG_RUNTIME_DIR to a shorter private directory, or unset it", "请把 XDG_RUNTIME_DIR 设为较短的私有目录，或取消该设置"))
        }
        return path
    }

    /// A real directory (not a link) owned by `uid`, with no group or other permissions
    /// (`exactMode`: exactly 0700).
    static func isPrivateDirectory(_ path: String, uid: uid_t, exactMode: Bool) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == uid else { return false }
        let mode = st.st_mode & 0o7777
        return exactMode ? mode == 0o700 : (mode & 0o077) == 0
    }

    private static func problem(_ path: String, _ what: L) -> CLIError {
        CLIError(.failure, L("the agent's directory \(path) \(what.en)", "会话代理目录 \(path) \(what.zh)"),
                 hint: L("remove or fix it (only you should own it, mode 0700); if another user owns it, set XDG_RUNTIME_DIR to a private directory of yours (mode 0700) instead; then run salesvault unlock again. Until then, commands ask for the password",
                         "请删除该目录或修改其属性（应只归您所有，权限 0700）；如果它属于其他用户，请改为把 XDG_RUNTIME_DIR 设为您自己的私有目录（权限 0700），然后重新运行 salesvault unlock。在此之前，各命令仍会照常要求输入密码"))
    }
}
