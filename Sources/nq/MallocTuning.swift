import CMalloc
import Foundation

/// glibc malloc settings for a process that allocates and frees column buffers of 64 KiB–8 MiB many
/// times a second.
///
/// With glibc's defaults every such buffer above 128 KiB is mapped fresh, and freed memory at the top
/// of a thread's heap is returned to the kernel at once, so each block a scan decodes page-faults its
/// buffers in again: a 10 M-row scan took 45,000 page faults and 40 % of its CPU in the kernel. Keeping
/// buffers below 32 MiB in the heaps and trimming a heap only past 128 MiB of free space cut the CPU of
/// scan-bound queries by about 40 % (docs/BENCHMARKS.md, "malloc settings"); peak RSS rose by 0–15 %.
///
/// A `GLIBC_TUNABLES` environment variable that names a `glibc.malloc` setting wins: then nothing is
/// changed, so the defaults can be measured against these with the same binary.
enum MallocTuning {
    static let mmapThreshold: Int32 = 32 << 20
    static let trimThreshold: Int32 = 128 << 20

    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let tunables = environment["GLIBC_TUNABLES"], tunables.contains("glibc.malloc.") { return }
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
        _ = mallopt(M_TRIM_THRESHOLD, trimThreshold)
    }
}
