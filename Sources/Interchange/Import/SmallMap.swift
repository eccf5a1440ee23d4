import Foundation

/// A map of a few keys (a row's references or instants: one to four), kept as an array: the
/// subscripts of a dictionary, without a hash table per row (a million log rows held two).
struct SmallMap<Value> {
    private var entries: [(key: String, value: Value)] = []

    /// The keys and values, in the order given.
    var pairs: [(key: String, value: Value)] { entries }

    subscript(key: String) -> Value? {
        get {
            for e in entries where e.key == key { return e.value }
            return nil
        }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }
}

extension SmallMap: Sendable where Value: Sendable {}
