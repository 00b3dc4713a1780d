import ArgumentParser
import Export
import Foundation

/// A Cloud Storage client with credentials in ADC order; `STORAGE_EMULATOR_HOST` selects an emulator.
func makeGCSClient(accessToken: String?) throws -> GCSClient {
    let env = ProcessInfo.processInfo.environment
    let endpoint = GCSClient.endpoint(environment: env)
    let transport = try CurlTransport()
    let credentials = try Credentials.resolve(explicitToken: accessToken, environment: env, transport: transport,
                                              allowNone: endpoint != GCSClient.defaultEndpoint)
    let client = GCSClient(endpoint: endpoint, transport: transport, credentials: credentials)
    client.log = { FileHandle.standardError.write(Data(("nq: " + $0 + "\n").utf8)) }
    return client
}

/// `nq upload-raw DIR gs://BUCKET/raw/`: put the CSV files of DIR into Cloud Storage (the raw zone).
struct UploadRaw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload-raw",
        abstract: "Upload the CSV files of a directory to Google Cloud Storage (resumable uploads).",
        discussion: """
            nq upload-raw data/ gs://BUCKET/raw/        then: nq ingest gs://BUCKET/raw/
            STORAGE_EMULATOR_HOST=127.0.0.1:4443 points it at an emulator. Credentials as for BigQuery.
            """
    )

    @Argument(help: "A directory of CSV files.") var directory: String
    @Argument(help: "The destination, gs://BUCKET/PREFIX/.") var destination: String
    @Option(name: .customLong("access-token"), help: "An OAuth access token to use as is. Default: $NQ_BIGQUERY_TOKEN, else Application Default Credentials.")
    var accessToken: String?

    func run() throws {
        let (bucket, prefix) = try GCSClient.parse(destination)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".csv") }.sorted()
        if files.isEmpty { throw ValidationError("no .csv files in \(directory)") }
        let client = try makeGCSClient(accessToken: accessToken)
        let meter = ProgressMeter()
        var total = 0
        for f in files {
            let object = (prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/") + f
            let before = total
            try client.upload(file: directory + "/" + f, bucket: bucket, object: object) { sent in
                total = before + sent
                meter.update(rows: 0, bytes: total)
            }
        }
        meter.finish()
        print("uploaded \(files.count) file\(files.count == 1 ? "" : "s") (\(ProgressMeter.bytesText(total))) to gs://\(bucket)/\(prefix) in \(String(format: "%.1f", meter.elapsed)) s")
    }
}

/// Downloads every .csv object under a gs:// prefix into a new temporary directory (removed by the
/// caller), checking each object's size. Nothing is ingested unless every download completed.
/// - Returns: the directory and, per object, the local file and its gs:// URL.
func downloadRawZone(_ url: String, accessToken: String?) throws -> (directory: String, files: [(local: String, remote: String)]) {
    let (bucket, prefix) = try GCSClient.parse(url)
    let client = try makeGCSClient(accessToken: accessToken)
    let objects = try client.list(bucket: bucket, prefix: prefix).filter { $0.name.hasSuffix(".csv") }
    if objects.isEmpty { throw ValidationError("no .csv objects under \(url)") }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nq-gcs-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    do {
        var files: [(local: String, remote: String)] = []
        for o in objects {
            let name = String(o.name.split(separator: "/").last ?? "")
            let path = dir + "/" + name
            try client.download(bucket: bucket, object: o.name, to: path, expectedSize: o.size)
            files.append((path, "gs://\(bucket)/\(o.name)"))
        }
        return (dir, files)
    } catch {
        try? FileManager.default.removeItem(atPath: dir)
        throw error
    }
}
