#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libFuzzer entry point: called with each input.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzCallback
) -> Int32
#endif

/// The `main` of every fuzz target.
///
/// - `NAME --make-seeds DIR` writes the target's seed corpus (in both builds, so scripts/fuzz.sh
///   can seed from the fuzzer binary itself).
/// - Built with `-sanitize=fuzzer -DFUZZING`: hands control to libFuzzer through
///   `LLVMFuzzerRunDriver`. SwiftPM links Linux executables with `--defsym main=<Module>_main`, so
///   libFuzzer's own `main` is never linked in.
/// - Otherwise: runs `callback` over each file named on the command line (to replay a crash).
/// - Parameters:
///   - name: the target's name, for usage lines.
///   - callback: the fuzz function (also exported as `LLVMFuzzerTestOneInput`).
///   - makeSeeds: writes seed files into a directory; returns false on failure.
///   - atExit: cleanup to run when the process ends.
public func fuzzMain(name: String, callback: FuzzCallback, makeSeeds: (String) -> Bool, atExit: (@convention(c) () -> Void)? = nil) -> Never {
    let args = CommandLine.arguments
    if args.count >= 2 && args[1] == "--make-seeds" {
        guard args.count >= 3 else {
            fputs("usage: \(name) --make-seeds DIR\n", stderr)
            exit(2)
        }
        exit(makeSeeds(args[2]) ? 0 : 1)
    }
    if let atExit { atexit(atExit) }
    #if FUZZING
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    #else
    let files = Array(args.dropFirst())
    if files.isEmpty || files.first == "-h" || files.first == "--help" {
        print("usage: \(name) FILE...          (run the fuzz function over each file)")
        print("       \(name) --make-seeds DIR")
        exit(files.isEmpty ? 2 : 0)
    }
    for file in files {
        guard let bytes = readFile(file) else {
            fputs("cannot read \(file)\n", stderr)
            exit(1)
        }
        _ = bytes.withUnsafeBufferPointer { callback($0.baseAddress, $0.count) }
        print("\(file): ok")
    }
    exit(0)
    #endif
}

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
        if n < chunk.count { break }
    }
    return ferror(f) == 0 ? bytes : nil
}
