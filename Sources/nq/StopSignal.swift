#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by SIGINT/SIGTERM; long-running commands poll it and stop gracefully (flush, store, report).
private var stopRequestedFlag: sig_atomic_t = 0

enum StopSignal {
    /// Installs the handlers; a second signal while stopping ends the process at once.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            if stopRequestedFlag != 0 { _exit(128 + sig) }
            stopRequestedFlag = 1
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static var requested: Bool { stopRequestedFlag != 0 }
}
