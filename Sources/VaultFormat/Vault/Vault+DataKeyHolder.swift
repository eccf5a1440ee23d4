import VaultCrypto

/// What anyone holding the data key can do to the file, without the owner's password (for the
/// testkit's vectors and the tests of FORMAT.md §5.6 only; not public API): both header copies
/// rewritten and re-MAC'd as given, never signed by the owner.
extension Vault {
    /// Writes `edit(header)` into both copies with the DEK's header MAC, the owner signature
    /// left as the edit leaves it.
    package func rewriteHeaderAsDataKeyHolder(_ edit: (inout ArchiveHeader) throws -> Void) throws {
        var next = header
        try edit(&next)
        next.sequence = header.sequence + 1
        try next.validate()
        let copy = try HeaderCopy(header: next, prefix: prefix, headerKey: keys.headerKey)
        try writeCopy(copy, at: 0)
        try writeCopy(copy, at: 1)
        header = next
        copyStates = [.current, .current]
    }

    /// Re-seals record `index` with `payload` (the same length as the old one, so every offset
    /// stays), rebuilds the record chain and the checkpoint's chain, and re-MACs the header: every
    /// tag and the chain verify, only the owner's whole-record digest (§6.5) tells.
    package func rewriteRecordAsDataKeyHolder(index target: UInt64, payload: [UInt8]) throws {
        var reader = BodyReader(file: file, bodyLength: Int(header.bodyLength))
        var chain = [UInt8](repeating: 0, count: 32)
        var checkpointChain: [UInt8]?
        var index: UInt64 = 0
        while true {
            if let c = header.checkpoint, c.index == index { checkpointChain = chain }
            let offset = reader.bodyPosition
            guard let sealed = try reader.next(index: index) else { break }
            var nonce = Array(sealed.bytes.prefix(12))
            var tag = Array(sealed.bytes.suffix(16))
            if index == target {
                guard payload.count == sealed.length else { throw VaultError(.invalidArgument, "the new payload must have the old length") }
                var record = [UInt8](repeating: 0, count: FormatV1.recordOverhead + payload.count)
                let link = try payload.withUnsafeBytes { p in try record.withUnsafeMutableBytes { try codec.seal(p, index: index, into: $0) } }
                try file.write(record, at: FormatV1.bodyOffset + offset)
                (nonce, tag) = (link.nonce, link.tag)
            }
            try nonce.withUnsafeBytes { n in try tag.withUnsafeBytes { t in try codec.advance(&chain, index: index, nonce: n, tag: t) } }
            index += 1
        }
        try file.sync()
        try rewriteHeaderAsDataKeyHolder { next in
            next.recordChain = chain
            if let checkpointChain { next.checkpoint?.chain = checkpointChain }
        }
    }
}
