#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX file helpers. Every failing call throws `StoreError.io` naming the operation, path and errno.
enum FileIO {
    @discardableResult
    static func check(_ result: Int32, _ operation: String, _ path: String) throws -> Int32 {
        if result < 0 {
            let e = errno
            throw StoreError.io(operation: operation, path: path, errno: e, message: String(cString: strerror(e)))
        }
        return result
    }

    /// Writes `chunks` to `tmpPath`, fsyncs it, renames it to `finalPath` and fsyncs the directory,
    /// so that `finalPath` either does not exist or holds every byte.
    static func writeDurably(_ chunks: [[UInt8]], tmpPath: String, finalPath: String) throws {
        let fd = try check(open(tmpPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644), "create", tmpPath)
        do {
            for chunk in chunks { try writeAll(fd: fd, chunk, path: tmpPath) }
            try check(fsync(fd), "fsync", tmpPath)
        } catch {
            close(fd)
            unlink(tmpPath)
            throw error
        }
        try check(close(fd), "close", tmpPath)
        try check(rename(tmpPath, finalPath), "rename to \(finalPath)", tmpPath)
        try fsyncDirectory(of: finalPath)
    }

    static func writeAll(fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    try check(-1, "write", path)
                }
                done += n
            }
        }
    }

    static func fsyncDirectory(of path: String) throws {
        let dir = parent(path)
        let fd = try check(open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), "open directory", dir)
        defer { close(fd) }
        try check(fsync(fd), "fsync directory", dir)
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func makeDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { try check(-1, "create directory", path) }
    }

    /// Names in a directory, without "." and "..".
    static func list(_ path: String) throws -> [String] {
        guard let d = opendir(path) else { try check(-1, "list directory", path); return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func remove(_ path: String) { unlink(path) }

    static func fileSize(_ path: String) throws -> Int {
        var st = stat()
        try check(stat(path, &st), "stat", path)
        return Int(st.st_size)
    }
}

/// An open read-only file descriptor, closed in deinit. Reads use `pread`, so threads may share one.
final class ReadOnlyFile: Sendable {
    let fd: Int32
    let path: String
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = try FileIO.check(open(path, O_RDONLY | O_CLOEXEC), "open", path)
        var st = stat()
        if fstat(fd, &st) != 0 {
            let e = errno
            close(fd)
            throw StoreError.io(operation: "stat", path: path, errno: e, message: String(cString: strerror(e)))
        }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset`.
    func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= size else {
            throw StoreError.corruptSegment(path: path, detail: "read of \(count) bytes at offset \(offset) is past the end of the \(size)-byte file")
        }
        // Not zero-filled first: every byte is read, and on an error the array is never returned.
        return try [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    try FileIO.check(-1, "read", path)
                }
                if n == 0 { throw StoreError.corruptSegment(path: path, detail: "unexpected end of file at offset \(offset + done)") }
                done += n
            }
            initialized = count
        }
    }
}
