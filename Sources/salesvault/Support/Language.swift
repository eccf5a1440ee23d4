import Foundation

/// The user's language: `--lang`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
enum Language: String, CaseIterable, Sendable {
    case en, zh

    nonisolated(unsafe) static var current: Language = .fromEnvironment()

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
