// swift-tools-version:6.0
import PackageDescription

/// nq: a local columnar analytics engine for the streaming-platform dataset.
///
/// Layers: ColumnStore (bottom) ← Ingest, Query ← Export, Dashboard ← nq (CLI).
/// C libraries are system-library targets, each imported by exactly one Swift file.
let package = Package(
    name: "nq",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nq", targets: ["nq"]),
        .executable(name: "FuzzCSVReader", targets: ["FuzzCSVReader"]),
        .executable(name: "FuzzSegmentReader", targets: ["FuzzSegmentReader"]),
        .executable(name: "FuzzSQLParser", targets: ["FuzzSQLParser"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/ordo-one/TextTable", from: "0.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4",
                       providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        // librdkafka and libcurl: headers only; nq opens the libraries with dlopen when first used (see
        // their shim.h), so no pkgConfig (it would add -lrdkafka / -lcurl to the link).
        .systemLibrary(name: "CRdKafka", path: "Sources/CRdKafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),  // glibc's <malloc.h>: mallopt
        .target(
            name: "ColumnStore",
            dependencies: ["CSQLite", "CLZ4", "CDeflate"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "Ingest",
            dependencies: ["ColumnStore", "CRdKafka", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "Query",
            dependencies: ["ColumnStore"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),
        .target(
            name: "Export",
            dependencies: ["Query", "CCurl", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
        .target(
            name: "Dashboard",
            dependencies: ["Query", "ColumnStore", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .executableTarget(
            name: "nq",
            dependencies: [
                "ColumnStore", "Ingest", "Query", "Export", "Dashboard", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TextTable", package: "TextTable"),
            ]
        ),
        .target(name: "FuzzSupport", path: "Fuzz/Support"),
        .executableTarget(name: "FuzzCSVReader", dependencies: ["Ingest", "FuzzSupport"], path: "Fuzz/CSVReader"),
        .executableTarget(name: "FuzzSegmentReader", dependencies: ["ColumnStore", "FuzzSupport"], path: "Fuzz/SegmentReader"),
        .executableTarget(name: "FuzzSQLParser", dependencies: ["Query", "FuzzSupport"], path: "Fuzz/SQLParser"),
        .testTarget(name: "ColumnStoreTests", dependencies: ["ColumnStore"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "ColumnStore"]),
        .testTarget(name: "QueryTests", dependencies: ["Query", "ColumnStore", "Ingest"],
                    exclude: ["golden"]),
        .testTarget(name: "NQTests", dependencies: ["ColumnStore"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "Query", "ColumnStore", "Ingest"],
                    exclude: ["fixtures"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "ColumnStore",
                                                        .product(name: "_CryptoExtras", package: "swift-crypto")]),
    ],
    swiftLanguageModes: [.v5]
)
