import Foundation

/// Where exports and BigQuery queries go. Each setting comes from the command's flag, else the
/// environment, else the store's `bigquery.json`, else its default.
///
/// | setting  | flag         | environment             | bigquery.json | default                          |
/// |----------|--------------|-------------------------|---------------|----------------------------------|
/// | project  | `--project`  | `NQ_BIGQUERY_PROJECT`   | `project`     | none (required)                  |
/// | dataset  | `--dataset`  | `NQ_BIGQUERY_DATASET`   | `dataset`     | none (required for exports)      |
/// | location | `--location` | `NQ_BIGQUERY_LOCATION`  | `location`    | `US`                             |
/// | endpoint | `--endpoint` | `NQ_BIGQUERY_ENDPOINT`  | `endpoint`    | `https://bigquery.googleapis.com`|
///
/// `bigquery.json` never holds credentials (see `Credentials`).
public struct BigQueryConfig: Sendable, Equatable {
    public static let defaultEndpoint = "https://bigquery.googleapis.com"

    public var project: String
    public var dataset: String?
    public var location: String
    /// Scheme, host and port of the API, without a path. Default: `https://bigquery.googleapis.com`.
    public var endpoint: String

    public init(project: String, dataset: String?, location: String = "US", endpoint: String = BigQueryConfig.defaultEndpoint) {
        self.project = project
        self.dataset = dataset
        self.location = location
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
    }

    /// True when the endpoint is not Google's (an emulator, which needs no credentials).
    public var isCustomEndpoint: Bool { endpoint != BigQueryConfig.defaultEndpoint }

    /// The config file of a store.
    public static func fileURL(store: String) -> String { store + "/bigquery.json" }

    /// Resolves the configuration: flags, then environment, then `<store>/bigquery.json`.
    /// - Throws: `ExportError.configuration` when the project (or, if `requireDataset`, the dataset) is
    ///   set nowhere, or the config file is not a JSON object.
    public static func resolve(project: String?, dataset: String?, location: String?, endpoint: String?,
                               environment: [String: String], storePath: String?, requireDataset: Bool) throws -> BigQueryConfig {
        var file: [String: String] = [:]
        if let storePath, let data = FileManager.default.contents(atPath: fileURL(store: storePath)) {
            guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw ExportError.configuration("\(fileURL(store: storePath)) is not a JSON object")
            }
            for (k, v) in obj { if let s = v as? String { file[k] = s } }
        }
        func pick(_ flag: String?, _ env: String, _ key: String) -> String? {
            for v in [flag, environment[env], file[key]] { if let v, !v.isEmpty { return v } }
            return nil
        }
        guard let p = pick(project, "NQ_BIGQUERY_PROJECT", "project") else {
            throw ExportError.configuration("no BigQuery project: give --project, set NQ_BIGQUERY_PROJECT, or put \"project\" in \(storePath.map(fileURL) ?? "<store>/bigquery.json")")
        }
        let d = pick(dataset, "NQ_BIGQUERY_DATASET", "dataset")
        if requireDataset && d == nil {
            throw ExportError.configuration("no BigQuery dataset: give --dataset, set NQ_BIGQUERY_DATASET, or put \"dataset\" in \(storePath.map(fileURL) ?? "<store>/bigquery.json")")
        }
        return BigQueryConfig(project: p, dataset: d, location: pick(location, "NQ_BIGQUERY_LOCATION", "location") ?? "US",
                              endpoint: pick(endpoint, "NQ_BIGQUERY_ENDPOINT", "endpoint") ?? defaultEndpoint)
    }
}
