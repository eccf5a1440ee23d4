#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The cause of a failed system call, in both languages, with what to do about it.
public struct SystemCause: Sendable {
    public let english: String
    public let chinese: String
    public let hint: String
    public let hintZH: String

    public init(_ err: Int32) {
        switch err {
        case ENOSPC:
            (english, chinese) = ("the disk is full", "磁盘空间不足")
            (hint, hintZH) = ("Free some disk space, or save to another disk, then run the command again.",
                              "请清理磁盘空间，或换一个有空间的磁盘（如 U 盘）保存，然后重新运行命令。")
        case EDQUOT:
            (english, chinese) = ("your disk quota is used up", "您的磁盘配额已用完")
            (hint, hintZH) = ("Delete files you no longer need, or ask the administrator for more space.",
                              "请删除不再需要的文件，或请管理员增加配额。")
        case EACCES, EPERM:
            (english, chinese) = ("permission denied", "没有访问权限")
            (hint, hintZH) = ("Choose a folder you are allowed to use (your home folder, for example).",
                              "请换一个您有权限使用的文件夹（例如个人主目录）。")
        case EROFS:
            (english, chinese) = ("the disk is read-only", "磁盘是只读的")
            (hint, hintZH) = ("Save to a disk that can be written to.", "请保存到可以写入的磁盘。")
        case ENOENT:
            (english, chinese) = ("the file or folder does not exist", "文件或文件夹不存在")
            (hint, hintZH) = ("Check the path; create the folder first if needed.", "请检查路径是否正确；如文件夹不存在，请先创建。")
        case ENOTDIR:
            (english, chinese) = ("part of the path is not a folder", "路径中有一部分不是文件夹")
            (hint, hintZH) = ("Check the path.", "请检查路径是否正确。")
        case ENAMETOOLONG:
            (english, chinese) = ("the name is too long", "文件名太长")
            (hint, hintZH) = ("Use a shorter file name or folder path.", "请使用较短的文件名或路径。")
        case EIO:
            (english, chinese) = ("the disk reported a read/write error (it may be failing or was removed)",
                                  "磁盘读写出错（磁盘可能有故障或已被拔出）")
            (hint, hintZH) = ("Check the disk, then try again or use another disk.", "请检查磁盘后重试，或换一个磁盘。")
        case EEXIST:
            (english, chinese) = ("a file or folder of that name exists already", "已有同名的文件或文件夹")
            (hint, hintZH) = ("Choose another name, or move the file that is in the way.", "请换一个名称，或先移走占用该名称的文件。")
        case EISDIR:
            (english, chinese) = ("it is a folder, not a file", "这是文件夹，不是文件")
            (hint, hintZH) = ("Give the path of a file, not of a folder.", "请给出文件的路径，而不是文件夹的路径。")
        case ELOOP:
            // (Also a link that leads back to itself: ln -s a b; ln -s b a was said to be "not
            // followed", while links to a file are followed where the path is resolved first: helper-116.)
            (english, chinese) = ("the path is a symbolic link that cannot be followed (it leads back to itself, or is not followed for safety)",
                                  "该路径是符号链接（类似快捷方式），无法通过它找到实际文件：链接可能指向自身、形成循环，或出于安全考虑不予读取")
            (hint, hintZH) = ("Give the path of the real file.", "请改用实际文件的路径。")
        case EFBIG:
            (english, chinese) = ("the file would be larger than this disk allows", "文件大小超出了该磁盘允许的上限")
            (hint, hintZH) = ("Save to another disk.", "请保存到其他磁盘。")
        case EMFILE, ENFILE:
            (english, chinese) = ("too many files are open", "同时打开的文件太多")
            (hint, hintZH) = ("Close other programs and try again.", "请关闭其他程序后重试。")
        default:
            let text = String(cString: strerror(err))
            (english, chinese) = ("system error \(err): \(text)", "系统错误 \(err)（\(text)）")
            (hint, hintZH) = ("Try again; if it keeps failing, show this message to the administrator.",
                              "请重试；如果一直失败，请把这条信息发给管理员。")
        }
    }
}
