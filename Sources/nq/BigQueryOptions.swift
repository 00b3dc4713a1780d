import ArgumentParser
import Export
import Foundation

/// The options of every command that talks to BigQuery. Each falls back to the environment, then to
/// the store's bigquery.json (see `BigQueryConfig`); credentials follow `Credentials` (ADC order).
struct BigQueryOptions: ParsableArguments {
    @Option(help: "The Google Cloud project. Default: $NQ_BIGQUERY_PROJECT, else bigquery.json.")
    var project: String?

    @Option(help: "The BigQuery dataset. Default: $NQ_BIGQUERY_DATASET, else bigquery.json.")
    var dataset: String?

    @Option(help: "The dataset location. Default: $NQ_BIGQUERY_LOCATION, else bigquery.json, else US.")
    var location: String?

    @Option(help: ArgumentHelp("The BigQuery API endpoint (an emulator). Default: $NQ_BIGQUERY_ENDPOINT, else bigquery.json, else Google's.", visibility: .default))
    var endpoint: String?

    @Option(name: .customLong("access-token"), help: "An OAuth access token to use as is. Default: $NQ_BIGQUERY_TOKEN, else Application Default Credentials.")
    var accessToken: String?

    /// A client for the resolved configuration; retries are logged to stderr.
    func client(storePath: String?, requireDataset: Bool) throws -> BigQueryClient {
        let env = ProcessInfo.processInfo.environment
        let config = try BigQueryConfig.resolve(project: project, dataset: dataset, location: location, endpoint: endpoint,
                                                environment: env, storePath: storePath, requireDataset: requireDataset)
        let transport = try CurlTransport()
        let credentials = try Credentials.resolve(explicitToken: accessToken, environment: env, transport: transport,
                                                  allowNone: config.isCustomEndpoint)
        let client = BigQueryClient(config: config, transport: transport, credentials: credentials)
        client.log = { line in FileHandle.standardError.write(Data(("nq: " + line + "\n").utf8)) }
        return client
    }
}
