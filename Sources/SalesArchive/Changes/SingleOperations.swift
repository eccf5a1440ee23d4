/// The everyday commands, each a change set of one operation (planned, checked, committed as one
/// batch labelled with `CustomerArchive.label`). Returns the record as saved.
extension CustomerArchive {
    @discardableResult
    public func addCustomer(name: String, fields: [(String, String)] = [], now: Int64) throws -> Entity {
        try perform(.addCustomer(name: name, fields: fields), now: now)
    }

    @discardableResult
    public func edit(_ kind: EntityKind, _ query: String, fields: [(String, String)], now: Int64) throws -> Entity {
        try perform(.edit(kind, query, fields: fields), now: now)
    }

    @discardableResult
    public func setGrade(_ query: String, to grade: String, reason: String, result: String = "", problem: String = "", now: Int64) throws -> Entity {
        try perform(.setGrade(query, grade: grade, reason: reason, result: result, problem: problem), now: now)
    }

    /// Adds the result and the problems met to a customer's last grade change (regulation 6.2(2)).
    @discardableResult
    public func noteGrade(_ query: String, result: String, problem: String, change: UInt64? = nil, now: Int64) throws -> Entity {
        try perform(.noteGrade(query, result: result, problem: problem, change: change), now: now)
    }

    @discardableResult
    public func remove(_ kind: EntityKind, _ query: String, reason: String = "", now: Int64) throws -> Entity {
        try perform(.remove(kind, query, reason: reason), now: now)
    }

    /// Brings back a removed contact, by id or by the name of the one removed person of it,
    /// where they were (RECORDS.md §4). `force`: also beside a live namesake that no mobile
    /// tells apart (as `contact add --force` adds one).
    @discardableResult
    public func restoreContact(_ query: String, reason: String = "", force: Bool = false, now: Int64) throws -> Entity {
        try perform(.restoreContact(query, reason: reason, force: force), now: now)
    }

    @discardableResult
    public func addContact(customer: String, name: String, fields: [(String, String)] = [], now: Int64) throws -> Entity {
        try perform(.addContact(customer: customer, name: name, fields: fields), now: now)
    }

    @discardableResult
    public func logActivity(
        customer: String, type: String, summary: String, at: Int64, contacts: [String] = [], project: String? = nil,
        nextStep: String? = nil, nextDate: String? = nil, location: String? = nil, now: Int64
    ) throws -> Entity {
        try perform(.logActivity(LogEntry(customer: customer, type: type, summary: summary, at: at, contacts: contacts, project: project,
                                          nextStep: nextStep, nextDate: nextDate, location: location)), now: now)
    }

    @discardableResult
    public func addProject(customer: String, name: String, fields: [(String, String)] = [], now: Int64) throws -> Entity {
        try perform(.addProject(customer: customer, name: name, fields: fields), now: now)
    }

    @discardableResult
    public func setStage(_ query: String, to stage: String, reason: String?, at: Int64? = nil, now: Int64) throws -> Entity {
        try perform(.setStage(query, stage: stage, reason: reason, at: at), now: now)
    }

    @discardableResult
    public func fileComplaint(
        customer: String, about: String, description: String, channel: String? = nil, complainant: String? = nil, receivedAt: Int64, now: Int64
    ) throws -> Entity {
        try perform(.fileComplaint(customer: customer, about: about, description: description, channel: channel, complainant: complainant,
                                   receivedAt: receivedAt), now: now)
    }

    @discardableResult
    public func routeComplaint(_ query: String, manager: Bool, director: Bool, at: Int64? = nil, now: Int64) throws -> Entity {
        try perform(.routeComplaint(query, manager: manager, director: director, at: at), now: now)
    }

    @discardableResult
    public func resolveComplaint(_ query: String, coordinator: String, resolution: String, at: Int64? = nil, now: Int64) throws -> Entity {
        try perform(.resolveComplaint(query, coordinator: coordinator, resolution: resolution, at: at), now: now)
    }

    @discardableResult
    public func surveyComplaint(_ query: String, satisfaction: String, comment: String?, by: String? = nil, at: Int64? = nil, now: Int64) throws -> Entity {
        try perform(.surveyComplaint(query, satisfaction: satisfaction, comment: comment, by: by, at: at), now: now)
    }

    /// Corrects a contact-log entry (RECORDS.md §3); nothing is written when nothing changes.
    @discardableResult
    public func editLog(_ query: String, fields: [(String, String)], at: Int64? = nil, reason: String? = nil, now: Int64) throws -> Entity {
        try perform(.editLog(query, fields: fields, at: at, reason: reason), now: now)
    }

    /// Removes a contact-log entry; the reason is required and kept in the history.
    @discardableResult
    public func removeLog(_ query: String, reason: String, now: Int64) throws -> Entity {
        try perform(.removeLog(query, reason: reason), now: now)
    }

    /// Closes a complaint not yet resolved as withdrawn (撤诉) or unfounded (不成立).
    @discardableResult
    public func withdrawComplaint(_ query: String, unfounded: Bool = false, reason: String, at: Int64? = nil, now: Int64) throws -> Entity {
        try perform(.withdrawComplaint(query, unfounded: unfounded, reason: reason, at: at), now: now)
    }
}
