import Foundation

/// The user's language: `--lang`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
enum Language: String, CaseIterable, Sendable {
    case en, zh

    /// The language of this process's messages: set from `--lang` (or the locale) before a
    /// command runs; kept behind a lock, not in an unchecked global.
    static var current: Language {
        get { setting.value }
        set { setting.value = newValue }
    }
    private static let setting = Setting(.fromEnvironment())

    private final class Setting: @unchecked Sendable {  // every access goes through `lock`
        private let lock = NSLock()
        private var stored: Language
        init(_ value: Language) { stored = value }
        var value: Language {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    static func fromEnvironment() -> Language {
        let env = ProcessInfo.processInfo.environment
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = env[key], !value.isEmpty { return value.lowercased().hasPrefix("zh") ? .zh : .en }
        }
        return .en
    }
}

/// A message in both languages; `text` picks the current one.
struct L {
    let en: String
    let zh: String
    init(_ en: String, _ zh: String) {
        self.en = en
        self.zh = zh
    }
    var text: String { Language.current == .zh ? zh : en }
}

/// A sentence ending in `name`: no full stop after one that ends a sentence already
/// (`Added contact P3 Smith, John Jr.` and `已添加联系人 R2 Doe, Jane Sr.` had two).
func sentence(endingWith name: String, zh: Bool = false) -> String {
    guard let last = name.last, !".!?…。！？".contains(last) else { return name }
    return name + (zh ? "。" : ".")
}
