/// The directory of an encrypted Office document as Excel writes it ([MS-OFFCRYPTO] §2.1,
/// §2.3.4.1): `EncryptionInfo`, `EncryptedPackage`, and the `\u{6}DataSpaces` storage that names
/// the "StrongEncryptionTransform" applied to the package. The stream contents are the fixed
/// ones of §2.1 (the same bytes Excel, herumi/msoffice and msoffcrypto-tool write).
enum DataSpaces {
    /// `Version` (§2.1.5): feature "Microsoft.Container.DataSpaces", versions 1.0.
    static let version: [UInt8] = lengthPrefixedUTF16("Microsoft.Container.DataSpaces") + [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]

    /// `DataSpaceMap` (§2.1.6): one entry mapping the stream "EncryptedPackage" to the data
    /// space "StrongEncryptionDataSpace".
    static let dataSpaceMap: [UInt8] = {
        let reference = u32(1) + u32(0) + lengthPrefixedUTF16("EncryptedPackage")  // one component, a stream
        let entry = reference + lengthPrefixedUTF16("StrongEncryptionDataSpace")
        return u32(8) + u32(1) + u32(UInt32(entry.count + 4)) + entry
    }()

    /// `DataSpaceInfo/StrongEncryptionDataSpace` (§2.1.7): the transform "StrongEncryptionTransform".
    static let strongEncryptionDataSpace: [UInt8] = u32(8) + u32(1) + lengthPrefixedUTF16("StrongEncryptionTransform")

    /// `TransformInfo/StrongEncryptionTransform/\u{6}Primary` (§2.1.8, §2.2.6): the transform's
    /// id and name, versions 1.0, and an empty encryption transform info.
    static let primary: [UInt8] = {
        let id = lengthPrefixedUTF16("{FF9A3F03-56EF-4613-BDD5-5A41C1D07246}")
        let name = lengthPrefixedUTF16("Microsoft.Container.EncryptionTransform")
        let header = u32(1) + id
        return u32(UInt32(header.count + 4)) + header + name + u32(1) + u32(1) + u32(1) + u32(0) + u32(0) + u32(0) + u32(4)
    }()

    /// The nodes of the compound file, in the tree Excel writes (a valid red-black tree).
    static func directory(encryptionInfo: [UInt8], encryptedPackage: [UInt8]) -> [CompoundFileWriter.Node] {
        typealias N = CompoundFileWriter.Node
        return [
            N(name: "Root Entry", kind: .storage, child: 10, black: false),                           // 0
            N(name: "EncryptedPackage", kind: .stream, content: encryptedPackage, black: false),       // 1
            N(name: "\u{6}DataSpaces", kind: .storage, child: 4, black: false),                        // 2
            N(name: "Version", kind: .stream, content: version),                                       // 3
            N(name: "DataSpaceMap", kind: .stream, content: dataSpaceMap, left: 3, right: 5),          // 4
            N(name: "DataSpaceInfo", kind: .storage, right: 7, child: 6),                              // 5
            N(name: "StrongEncryptionDataSpace", kind: .stream, content: strongEncryptionDataSpace),   // 6
            N(name: "TransformInfo", kind: .storage, child: 8, black: false),                         // 7
            N(name: "StrongEncryptionTransform", kind: .storage, child: 9),                            // 8
            N(name: "\u{6}Primary", kind: .stream, content: primary),                                  // 9
            N(name: "EncryptionInfo", kind: .stream, content: encryptionInfo, left: 2, right: 1),      // 10
        ]
    }

    /// A UTF-16LE string after its byte length (32 bits), padded to 4 bytes (§2.1.2).
    static func lengthPrefixedUTF16(_ s: String) -> [UInt8] {
        var bytes = s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let length = bytes.count
        while bytes.count % 4 != 0 { bytes.append(0) }
        return u32(UInt32(length)) + bytes
    }

    static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
}
