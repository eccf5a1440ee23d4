/// A key slot (FORMAT.md §5): `type ‖ length ‖ value`.
public enum KeySlot: Sendable, Equatable {
    case password(PasswordSlot)
    case escrow(EscrowSlot)

    static let passwordType: UInt8 = 0x01
    static let escrowType: UInt8 = 0x02

    var serialized: [UInt8] {
        let (type, value): (UInt8, [UInt8]) = switch self {
        case .password(let slot): (Self.passwordType, slot.serialized)
        case .escrow(let slot): (Self.escrowType, slot.serialized)
        }
        var w = ByteWriter()
        w.u8(type)
        w.u16(UInt16(value.count))
        w.append(value)
        return w.bytes
    }

    init(parsing cursor: inout ByteCursor) throws {
        let type = try cursor.readU8()
        let length = Int(try cursor.readU16())
        let value = try cursor.readBytes(length)
        switch type {
        case Self.passwordType: self = .password(try PasswordSlot(parsing: value))
        case Self.escrowType: self = .escrow(try EscrowSlot(parsing: value))
        default: throw VaultError(.unsupportedVersion, "key slot type \(type) is unknown: written by a newer SalesVault")
        }
    }
}
