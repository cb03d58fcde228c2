// swift-tools-version: 6.0
// TinyHIL: hardware-in-the-loop energy, latency and accuracy tests for pruned TinyML models.
import PackageDescription

let strictC: [CSetting] = [
    .unsafeFlags(["-Wall", "-Wextra", "-Werror", "-std=c99"]),
]

let package = Package(
    name: "TinyHIL",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TFLite", targets: ["TFLite"]),
        .library(name: "Footprint", targets: ["Footprint"]),
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "Pruning", targets: ["Pruning"]),
        .library(name: "DeviceLink", targets: ["DeviceLink"]),
        .library(name: "PowerMeter", targets: ["PowerMeter"]),
        .library(name: "Bench", targets: ["Bench"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "HILTesting", targets: ["HILTesting"]),
        .executable(name: "tinyhil", targets: ["tinyhil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The shared result database of a bench farm (`--store postgres://…`, docs/bench-farm.md).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Bench configuration files (bench.yml: one or several boards per bench host).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/pointfreeco/xctest-dynamic-overlay", from: "1.13.1"),
        // `swift package generate-documentation --target HILTesting` (DocC catalog in Sources/HILTesting).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // C: the inference engine shared by host and firmware (firmware/engine).
        .target(
            name: "CEngine",
            path: "firmware/engine",
            exclude: ["Makefile", "README.md"],
            sources: ["src"],
            publicHeadersPath: "include",
            cSettings: strictC
        ),
        // C: libserialport binding (Debian: libserialport-dev).
        .systemLibrary(
            name: "CSerialPort",
            path: "Sources/CSerialPort",
            pkgConfig: "libserialport",
            providers: [.apt(["libserialport-dev"])]
        ),

        // C: zlib binding (Debian: zlib1g-dev) for gzip-compressed datasets and compressed-size figures.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // C: OpenSSL's libcrypto (Debian: libssl-dev) for SHA-256 model identities.
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        .target(name: "TFLite"),
        .target(name: "Footprint", dependencies: ["TFLite", "CZlib"]),
        .target(name: "Inference", dependencies: ["TFLite", "CEngine", "CZlib"]),
        .target(name: "Pruning", dependencies: ["TFLite", "Footprint", "Inference"]),
        // C: float32 matrix products and patch gathering for training, optimised even in debug builds.
        .target(
            name: "CTrainingKernels",
            path: "Sources/CTrainingKernels",
            cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror", "-std=c99", "-O3"])]
        ),
        // Optimised even in debug builds: tests and in-test fine-tuning (HILTesting) train on 55,000 images.
        .target(
            name: "Training",
            dependencies: ["TFLite", "Inference", "CTrainingKernels"],
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        .target(
            name: "DeviceLink",
            dependencies: ["TFLite", "CSerialPort", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "PowerMeter", dependencies: ["DeviceLink", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Bench",
            dependencies: [
                "TFLite", "Footprint", "Inference", "DeviceLink", "PowerMeter",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams"),
                "CLibCrypto",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "HILTesting",
            dependencies: [
                "Bench", "Pruning", "Training",
                .product(name: "IssueReporting", package: "xctest-dynamic-overlay"),
            ]
        ),
        .executableTarget(
            name: "tinyhil",
            dependencies: [
                "TFLite", "Footprint", "Inference", "Pruning", "Training", "DeviceLink", "PowerMeter", "Bench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Shared by test targets: fixtures (model + inputs + TFLM outputs), the seeded generator, the issue
        // collector, and FakeBoard (the firmware stand-in) served as an in-process Board.
        .target(
            name: "TinyHILTestSupport",
            dependencies: [
                "TFLite", "Inference", "DeviceLink", "PowerMeter", "Bench",
                .product(name: "IssueReporting", package: "xctest-dynamic-overlay"),
            ]
        ),

        .testTarget(name: "TFLiteTests", dependencies: ["TFLite", "TinyHILTestSupport"]),
        .testTarget(name: "FootprintTests", dependencies: ["Footprint", "TinyHILTestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "Footprint", "TinyHILTestSupport"]),
        .testTarget(name: "PruningTests", dependencies: ["Pruning", "Inference", "Footprint", "TinyHILTestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "CTrainingKernels", "Inference", "Pruning", "TinyHILTestSupport"]),
        .testTarget(name: "DeviceLinkTests", dependencies: ["DeviceLink", "Inference", "TinyHILTestSupport"]),
        .testTarget(name: "PowerMeterTests", dependencies: ["PowerMeter", "TinyHILTestSupport"]),
        .testTarget(
            name: "BenchTests",
            dependencies: ["Bench", "Inference", "TinyHILTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The command line: subcommands, options, help layout, deprecated forms (the executable, imported @testable).
        .testTarget(name: "TinyHILCommandTests", dependencies: ["tinyhil", "TFLite", "Footprint", "Inference", "TinyHILTestSupport"]),
        .testTarget(
            name: "HILTests",
            dependencies: [
                "HILTesting", "TinyHILTestSupport",
                // Without it IssueReporting cannot reach Swift Testing: a broken budget in a @Test only prints
                // "An issue was recorded without linking the Testing framework" and the test passes.
                .product(name: "IssueReportingTestSupport", package: "xctest-dynamic-overlay"),
            ],
            path: "HILTests"
        ),
    ],
    swiftLanguageModes: [.v6],
    cLanguageStandard: .c99
)
