// swift-tools-version:6.0
import PackageDescription

// Layering (each target imports only those above it in this list):
// COpenSSL → VaultCrypto → VaultFormat → SalesArchive → Department → Interchange → salesvault (CLI)
// (Department: the signed registry, key files, rotation policy and the compliance check; it
// reads archive headers through VaultFormat and never the records. Interchange: spreadsheet and
// JSON import and export, the CSV and XLSX readers and writers, and the one atomic file writer.)
let package = Package(
    name: "SalesVault",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "salesvault", targets: ["salesvault"]),
        .library(name: "VaultCrypto", targets: ["VaultCrypto"]),
        .library(name: "VaultFormat", targets: ["VaultFormat"]),
        .library(name: "SalesArchive", targets: ["SalesArchive"]),
        .library(name: "Department", targets: ["Department"]),
        .library(name: "Interchange", targets: ["Interchange"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The system zlib, for the XLSX writer's own ZIP packing (parallel raw deflate, CRC-32).
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "VaultCrypto", dependencies: ["COpenSSL"]),
        // The session agent's system calls Swift cannot import (variadic prctl, CMSG_* macros);
        // used by the CLI's Agent folder only (Docs/AGENT.md).
        .target(name: "CAgentShim"),
        .target(name: "VaultFormat", dependencies: ["VaultCrypto"]),
        .target(name: "SalesArchive", dependencies: ["VaultFormat", "VaultCrypto"]),
        .target(name: "Department", dependencies: ["SalesArchive", "VaultFormat", "VaultCrypto"]),
        .target(
            name: "Interchange",
            dependencies: [
                "SalesArchive",
                "Department",
                "VaultFormat",
                "VaultCrypto",
                "CDeflate",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "salesvault",
            dependencies: [
                "Interchange",
                "SalesArchive",
                "Department",
                "VaultFormat",
                "VaultCrypto",
                "CAgentShim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Development tools: the testkit generator, the crash-test driver and the benchmark.
        .executableTarget(name: "svault-testkit", dependencies: ["VaultFormat", "VaultCrypto"]),
        .executableTarget(name: "svault-torture", dependencies: ["VaultFormat", "VaultCrypto"]),
        .executableTarget(name: "svault-bench", dependencies: ["SalesArchive", "Department", "VaultFormat", "VaultCrypto"]),
        // The fuzz targets (Docs/FUZZING.md): a corpus replay runner here, a libFuzzer binary when
        // built by Scripts/fuzz (-sanitize=fuzzer,address -DFUZZING).
        .executableTarget(
            name: "svault-fuzz",
            dependencies: ["Interchange", "Department", "SalesArchive", "VaultFormat", "VaultCrypto"]
        ),
        .testTarget(name: "VaultCryptoTests", dependencies: ["VaultCrypto"], exclude: ["Vectors"]),
        .testTarget(
            name: "VaultFormatTests",
            dependencies: ["VaultFormat", "VaultCrypto"],
            exclude: ["Testkit"]
        ),
        // What more than one test target uses (their temporary folders removed at exit).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SalesArchiveTests", dependencies: ["SalesArchive", "VaultFormat", "VaultCrypto", "TestSupport"]),
        .testTarget(name: "DepartmentTests", dependencies: ["Department", "SalesArchive", "VaultFormat", "VaultCrypto"], exclude: ["Vectors"]),
        .testTarget(
            name: "InterchangeTests",
            dependencies: ["Interchange", "SalesArchive", "Department", "VaultFormat", "VaultCrypto"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SalesVaultCLITests",
            dependencies: ["SalesArchive", "Department", "VaultFormat", "VaultCrypto", "TestSupport"],
            exclude: ["Fixtures"]
        ),
    ]
)
