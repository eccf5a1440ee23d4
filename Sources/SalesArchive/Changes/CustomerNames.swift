/// The rule that a customer's short name (简称) and aliases (别名) name it alone (INTERCHANGE.md
/// §4, RECORDS.md §3): compared as company names (`CompanyName.key`), a short name or alias is
/// not another customer's name, short name or alias, and a customer's name is not another's
/// short name or alias; so a command or an import that finds a customer by one of its names
/// finds one. Names a customer already had are not checked again: an archive written before the
/// rule may hold such a pair, and editing something else must not fail on it.
enum CustomerNames {
    /// The fields the rule looks at: name, short name, aliases.
    static let fields: Set<UInt8> = [Schema.number(.customer, "name"), Schema.number(.customer, "shortName"), Schema.number(.customer, "aliases")]

    /// A name of a customer as the rule compares it.
    struct Given {
        let text: String
        /// Which field: "name", "shortName" or "aliases".
        let field: String
    }

    /// What a customer's names clash with: the name given and the other customer.
    struct Clash {
        let given: Given
        let other: Entity
    }

    /// The customer's names after `changes` on `before` (nil: a new customer).
    static func names(_ changes: [FieldChange], before: Entity?) -> (name: String, others: [Given]) {
        func text(_ key: String) -> String? {
            let n = Schema.number(.customer, key)
            if let c = changes.last(where: { $0.field == n }) { return c.new?.text }
            return before?[number: n]?.text
        }
        var others: [Given] = []
        if let short = text("shortName")?.trimmedWhitespace, !short.isEmpty { others.append(Given(text: short, field: "shortName")) }
        others += CompanyName.splitAliases(text("aliases") ?? "").map { Given(text: $0, field: "aliases") }
        return (text("name") ?? "", others)
    }

    /// A customer's names as it holds them.
    static func names(of e: Entity) -> (name: String, others: [Given]) { names([], before: e) }

    /// The first clash of customer `id`'s names after a change (`name`, `others`) with the other
    /// live customers of `state`, found among the ids `candidates` gives for a company key (an
    /// index, possibly with stale entries: each candidate's names are read again).
    static func clash(id: UInt64, name: String, others: [Given], before: Entity?, in state: ArchiveState,
                      candidates: (String) -> [UInt64]) -> Clash? {
        let own = CompanyName.key(name)
        var had = Set((before?.otherNames ?? []).map(CompanyName.key))
        if let old = before?["name"]?.text { had.insert(CompanyName.key(old)) }
        // A short name or alias: not any name of another customer.
        for other in others {
            let key = CompanyName.key(other.text)
            if key == own || had.contains(key) { continue }
            for cid in candidates(key) where cid != id {
                guard let c = state.entity(.customer, cid), NameIndex.companyKeys(of: c).contains(TextKey(key)) else { continue }
                return Clash(given: other, other: c)
            }
        }
        // The name: not another customer's short name or alias (two names alike are duplicates,
        // which `addCustomer` and the import find).
        if !had.contains(own) {
            for cid in candidates(own) where cid != id {
                guard let c = state.entity(.customer, cid), c.otherNames.contains(where: { CompanyName.key($0) == own }) else { continue }
                return Clash(given: Given(text: name, field: "name"), other: c)
            }
        }
        return nil
    }

    /// The refusal of a clash, saying what to do; `otherIsNew` when the other customer is only
    /// being created by the same change set (no id to show yet).
    static func error(_ clash: Clash, otherIsNew: Bool) -> ArchiveError {
        let who = otherIsNew ? clash.other.displayName : "\(clash.other.shortID) \(clash.other.displayName)"
        let whoZH = otherIsNew ? "本批新增的客户“\(clash.other.displayName)”" : "客户 \(clash.other.shortID) \(clash.other.displayName) "
        let text = clash.given.text
        if clash.given.field == "name" {
            return ArchiveError(
                .invalidValue, "\(text) is already the short name or an alias of \(who): looking it up would find two customers; if this is another company, first change that customer's short name or aliases",
                zh: "“\(text)”已是\(whoZH)的简称或别名，按此名称查找会同时找到两个客户。如确属两家不同的公司，请先修改\(whoZH)的简称或别名",
                candidates: [who])
        }
        let (what, whatZH) = clash.given.field == "shortName" ? ("short name", "简称") : ("alias", "别名")
        return ArchiveError(
            .invalidValue, "\(text) already names \(who) (as its name, short name or an alias, written alike): as this customer's \(what) it would find two customers; choose another \(what)",
            zh: "“\(text)”与\(whoZH)的名称、简称或别名相同或相近，不能再用作本客户的\(whatZH)，否则按此名称查找会同时找到两个客户。请换一个\(whatZH)",
            candidates: [who])
    }
}

extension ChangeDraft {
    /// Checks customer `id`'s names after `changes` (the rule of `CustomerNames`; a short name or
    /// alias also not over 1 KiB, without NUL, and not one that folds to nothing) and returns the
    /// changes with the aliases tidied: each once (compared as company names), joined with 、.
    func checkNames(_ changes: [FieldChange], customer id: UInt64, before: Entity?) throws -> [FieldChange] {
        guard changes.contains(where: { CustomerNames.fields.contains($0.field) }) else { return changes }
        let aliasesField = Schema.number(.customer, "aliases")
        var out = changes
        // The aliases given: each once, in the order given, joined with 、 (a cleared field stays cleared).
        if let i = out.lastIndex(where: { $0.field == aliasesField }), let text = out[i].new?.text {
            var seen = Set<String>()
            let list = CompanyName.splitAliases(text).filter { seen.insert(CompanyName.key($0)).inserted }
            let joined = list.joined(separator: "、")
            out[i] = FieldChange(field: aliasesField, old: out[i].old, new: joined.isEmpty ? nil : .text(joined))
            if out[i].old == out[i].new { out.remove(at: i) }
        }
        let (name, others) = CustomerNames.names(out, before: before)
        if name != before?["name"]?.text, CompanyName.hasNoText(name) { throw CompanyName.notAName(name) }
        let had = Set((before?.otherNames ?? []).map(CompanyName.key))
        for other in others where !had.contains(CompanyName.key(other.text)) {
            let (what, whatZH) = other.field == "shortName" ? ("a short name", "简称") : ("an alias", "别名")
            guard other.text.utf8.count <= 1024 else {
                throw ArchiveError(.invalidValue, "\(what) over 1 KiB is not a name (\(other.text.prefix(40))…)", zh: "\(whatZH)过长（超过 1 KiB），请检查是否粘贴有误：“\(other.text.prefix(40))……”")
            }
            guard !other.text.unicodeScalars.contains("\u{0}") else {
                throw ArchiveError(.invalidValue, "\(what) cannot contain the NUL character (U+0000): the text is damaged or binary; correct it and try again",
                                   zh: "\(whatZH)中含有无效字符（U+0000），内容可能已损坏或误粘贴了非文字内容，请检查后重新填写")
            }
            guard !CompanyName.hasNoText(other.text) else {
                throw ArchiveError(.invalidValue, "\(other.text) cannot be \(what): without punctuation, symbols and legal suffixes such as 有限公司 nothing of it is left to find a customer by",
                                   zh: "“\(other.text)”不能用作\(whatZH)：去掉标点符号和“有限公司”等后缀后已无任何文字，无法用来查找客户。请换一个\(whatZH)")
            }
        }
        if let clash = CustomerNames.clash(id: id, name: name, others: others, before: before, in: state, candidates: { names.customers(companyKey: $0, in: state).sorted() }) {
            throw CustomerNames.error(clash, otherIsNew: archive.state.entity(.customer, clash.other.id) == nil)
        }
        return out
    }
}

extension ChangeDraft {
    /// The rule that a customer's code (客户编号) names it alone (RECORDS.md §3): a lookup finds a
    /// customer by its name, short name or code, lower case, so a new or changed code is not
    /// another live customer's code, name or short name, and a new or changed name or short name
    /// is not another customer's code. (Two customers with one code made a log's rows go to the
    /// one the lookup found first: black-box finding.) What a customer already had is not checked
    /// again: an archive written before the rule may hold such a pair.
    func checkCode(_ changes: [FieldChange], customer id: UInt64, before: Entity?) throws {
        let codeField = Schema.number(.customer, "code")
        let nameFields = [Schema.number(.customer, "name"), Schema.number(.customer, "shortName")]
        let aliasesField = Schema.number(.customer, "aliases")
        guard changes.contains(where: { $0.field == codeField || $0.field == aliasesField || nameFields.contains($0.field) }) else { return }
        func who(_ e: Entity) -> (en: String, zh: String) {
            archive.state.entity(.customer, e.id) == nil
                ? (e.displayName, "本次同时新增的客户“\(e.displayName)”")
                : ("\(e.shortID) \(e.displayName)", "客户 \(e.shortID)（\(e.displayName)）")
        }
        func others(_ text: String) -> [Entity] {
            names.ids(.customer, named: text.lowercased(), in: state).sorted().compactMap { other in
                other == id ? nil : state.entity(.customer, other)
            }
        }
        if let change = changes.last(where: { $0.field == codeField }), let code = change.new?.text, !code.isEmpty,
           code.lowercased() != before?["code"]?.text?.lowercased() {
            // (Another's alias too: a lookup finds a customer by its aliases.)
            let byAlias = names.customers(companyKey: CompanyName.key(code), in: state).sorted().compactMap { other -> Entity? in
                guard other != id, let e = state.entity(.customer, other),
                      Lookup.splitAliases(e["aliases"]?.text ?? "").contains(where: { Self.plainIdentifier($0).lowercased() == code.lowercased() }) else { return nil }
                return e
            }
            for e in others(code) + byAlias {
                let (en, zh) = who(e)
                if e["code"]?.text?.lowercased() == code.lowercased() {
                    throw ArchiveError(.invalidValue, "code \(code) is already the code of \(en): a lookup by it would find two customers; choose another code",
                                       zh: "客户编号“\(code)”已被\(zh)使用，按此编号查找时会同时找到两个客户，请换一个编号",
                                       candidates: [en])
                }
                throw ArchiveError(.invalidValue, "\(code) is the name, short name or an alias of \(en): as a code it would find two customers; choose another code",
                                   zh: "“\(code)”是\(zh)的名称、简称或别名，不能用作客户编号，否则按此查找时会同时找到两个客户。请换一个编号",
                                   candidates: [en])
            }
        }
        // A name, short name or alias given: not another's code.
        var given: [(text: String, what: String, whatZH: String)] = []
        for field in nameFields {
            guard let change = changes.last(where: { $0.field == field }), let text = change.new?.text?.trimmedWhitespace, !text.isEmpty,
                  text.lowercased() != before?[number: field]?.text?.trimmedWhitespace.lowercased() else { continue }
            given.append(field == nameFields[0] ? (text, "name", "客户名称") : (text, "short name", "简称"))
        }
        if let change = changes.last(where: { $0.field == aliasesField }), let text = change.new?.text {
            let had = Set(Lookup.splitAliases(before?["aliases"]?.text ?? "").map { $0.lowercased() })
            for alias in Lookup.splitAliases(text) where !had.contains(alias.lowercased()) { given.append((alias, "alias", "别名")) }
        }
        for (given, what, whatZH) in given {
            // (Compared as a code is stored: ＳＨ０１ or SH01 with a BOM is SH01.)
            let text = Self.plainIdentifier(given)
            for e in others(text) where e["code"]?.text?.lowercased() == text.lowercased() {
                let (en, zh) = who(e)
                throw ArchiveError(.invalidValue, "\(text) is the code of \(en): as a \(what) it would find two customers; if this is another company, first change that customer's code",
                                   zh: "“\(text)”是\(zh)的客户编号，不能用作\(whatZH)，否则按此查找时会同时找到两个客户。如果这确实是另一家公司，请先修改\(archive.state.entity(.customer, e.id) == nil ? zh : "客户 \(e.shortID) ")的客户编号",
                                   candidates: [en])
            }
        }
    }
}
