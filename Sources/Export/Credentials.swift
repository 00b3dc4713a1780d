import _CryptoExtras
import Crypto
import Foundation

/// OAuth 2 access tokens for BigQuery and Cloud Storage, found in Application Default Credentials order.
///
/// 1. `--access-token` / `NQ_BIGQUERY_TOKEN`: a token given outright (used as is, never refreshed).
/// 2. `GOOGLE_APPLICATION_CREDENTIALS`: a service-account key file; a JWT signed RS256 with its private
///    key is exchanged at the key's `token_uri` (grant type `urn:ietf:params:oauth:grant-type:jwt-bearer`).
/// 3. gcloud's `application_default_credentials.json` (in `$CLOUDSDK_CONFIG`, else `~/.config/gcloud`):
///    an `authorized_user` refresh token exchanged at its `token_uri` (default Google's).
/// 4. The GCE metadata server, when `GCE_METADATA_HOST` names it or the machine is a GCE instance.
/// 5. None: allowed only for a custom endpoint (an emulator); requests then carry no Authorization.
///
/// Tokens are cached until a minute before they expire. A token or key never appears in a message,
/// a log line or the store: `description` names only the kind of credential and where it came from.
public final class Credentials: @unchecked Sendable {  // mutable cache guarded by `lock`
    enum Source {
        case token(String)
        case serviceAccount(email: String, keyPEM: String, keyID: String?, tokenURI: String, file: String)
        case authorizedUser(clientID: String, clientSecret: String, refreshToken: String, tokenURI: String, file: String)
        case metadata(host: String)
        case none
    }

    let source: Source
    private let transport: HTTPTransport
    private let retry: RetryPolicy
    private let lock = NSLock()
    private var cached: (token: String, expires: Date)?
    /// The OAuth scope requested. Default: cloud-platform (BigQuery and Cloud Storage).
    public static let scope = "https://www.googleapis.com/auth/cloud-platform"

    init(source: Source, transport: HTTPTransport, retry: RetryPolicy) {
        self.source = source
        self.transport = transport
        self.retry = retry
    }

    /// Finds credentials in ADC order (see the type's documentation).
    /// - Parameters:
    ///   - explicitToken: `--access-token`, if given.
    ///   - environment: the process environment (tests pass their own).
    ///   - allowNone: true when talking to an emulator, which needs no credentials.
    /// - Throws: `ExportError.auth` for an unreadable or malformed key file, or when none is found
    ///   and `allowNone` is false.
    public static func resolve(explicitToken: String?, environment: [String: String], transport: HTTPTransport,
                               retry: RetryPolicy = RetryPolicy(), allowNone: Bool) throws -> Credentials {
        if let t = explicitToken ?? environment["NQ_BIGQUERY_TOKEN"], !t.isEmpty {
            return Credentials(source: .token(t), transport: transport, retry: retry)
        }
        if let file = environment["GOOGLE_APPLICATION_CREDENTIALS"], !file.isEmpty {
            return Credentials(source: try keyFile(file), transport: transport, retry: retry)
        }
        let gcloudDir = environment["CLOUDSDK_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config/gcloud"
        let adc = gcloudDir + "/application_default_credentials.json"
        if FileManager.default.fileExists(atPath: adc) {
            return Credentials(source: try keyFile(adc), transport: transport, retry: retry)
        }
        if let host = environment["GCE_METADATA_HOST"], !host.isEmpty {
            return Credentials(source: .metadata(host: host), transport: transport, retry: retry)
        }
        if let product = try? String(contentsOfFile: "/sys/class/dmi/id/product_name", encoding: .utf8),
           product.contains("Google Compute Engine") {
            return Credentials(source: .metadata(host: "metadata.google.internal"), transport: transport, retry: retry)
        }
        if allowNone { return Credentials(source: .none, transport: transport, retry: retry) }
        throw ExportError.auth("no credentials found: set GOOGLE_APPLICATION_CREDENTIALS to a service-account key, run `gcloud auth application-default login`, run on GCE, or give --access-token / NQ_BIGQUERY_TOKEN")
    }

    /// Reads a service-account key or an authorized_user file.
    static func keyFile(_ path: String) throws -> Source {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExportError.auth("cannot read credentials file \(path)") }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ExportError.auth("credentials file \(path) is not a JSON object")
        }
        func field(_ k: String) throws -> String {
            guard let v = obj[k] as? String, !v.isEmpty else { throw ExportError.auth("credentials file \(path) has no \"\(k)\"") }
            return v
        }
        switch obj["type"] as? String {
        case "service_account":
            return .serviceAccount(email: try field("client_email"), keyPEM: try field("private_key"),
                                   keyID: obj["private_key_id"] as? String,
                                   tokenURI: (obj["token_uri"] as? String) ?? "https://oauth2.googleapis.com/token", file: path)
        case "authorized_user":
            return .authorizedUser(clientID: try field("client_id"), clientSecret: try field("client_secret"),
                                   refreshToken: try field("refresh_token"),
                                   tokenURI: (obj["token_uri"] as? String) ?? "https://oauth2.googleapis.com/token", file: path)
        case let other:
            throw ExportError.auth("credentials file \(path) has type \(other.map { "\"\($0)\"" } ?? "none"); expected service_account or authorized_user")
        }
    }

    /// What kind of credentials these are and where they came from; never the secret itself.
    public var description: String {
        switch source {
        case .token: return "an access token given by --access-token or NQ_BIGQUERY_TOKEN"
        case let .serviceAccount(email, _, _, _, file): return "service account \(email) (\(file))"
        case let .authorizedUser(_, _, _, _, file): return "gcloud user credentials (\(file))"
        case let .metadata(host): return "the metadata server at \(host)"
        case .none: return "no credentials (emulator)"
        }
    }

    /// The current access token, fetched or refreshed when needed; nil when there are no credentials.
    /// - Throws: `ExportError.auth` naming the token endpoint, its HTTP status and its error fields.
    public func accessToken() throws -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let c = cached, c.expires > Date() { return c.token }
        let fetched: (String, Double)
        switch source {
        case .none: return nil
        case let .token(t): return t
        case let .serviceAccount(email, keyPEM, keyID, tokenURI, _):
            let assertion = try Credentials.signedJWT(email: email, keyPEM: keyPEM, keyID: keyID, audience: tokenURI, now: Date())
            fetched = try exchange(url: tokenURI, form: [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)])
        case let .authorizedUser(clientID, clientSecret, refreshToken, tokenURI, _):
            fetched = try exchange(url: tokenURI, form: [("grant_type", "refresh_token"), ("client_id", clientID),
                                                         ("client_secret", clientSecret), ("refresh_token", refreshToken)])
        case let .metadata(host):
            let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token?scopes=\(Credentials.scope)"
            fetched = try tokenRequest(HTTPRequest(method: "GET", url: url, headers: [("Metadata-Flavor", "Google")]))
        }
        cached = (fetched.0, Date().addingTimeInterval(max(0, fetched.1 - 60)))
        return fetched.0
    }

    /// Forgets the cached token (after a 401, so that the next request fetches a new one).
    public func invalidate() {
        lock.lock()
        cached = nil
        lock.unlock()
    }

    private func exchange(url: String, form: [(String, String)]) throws -> (String, Double) {
        let body = form.map { "\($0.0)=\(Credentials.formEncode($0.1))" }.joined(separator: "&")
        return try tokenRequest(HTTPRequest(method: "POST", url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                            body: Data(body.utf8)))
    }

    /// Sends a token request; the response body is read for `access_token` and `expires_in`, and on
    /// failure only its `error` / `error_description` fields are quoted.
    private func tokenRequest(_ request: HTTPRequest) throws -> (String, Double) {
        let response: HTTPResponse = try retry.run {
            let r = try transport.send(request)
            if r.status >= 500 || r.status == 429 {
                throw ExportError.api(method: request.method, path: request.path, status: r.status, reason: nil, message: "token endpoint unavailable")
            }
            return r
        }
        let obj = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        guard response.isSuccess else {
            let detail = [obj?["error"] as? String, obj?["error_description"] as? String].compactMap { $0 }.joined(separator: ": ")
            throw ExportError.auth("token request to \(request.path) failed: HTTP \(response.status)\(detail.isEmpty ? "" : ": " + detail) (\(description))")
        }
        guard let token = obj?["access_token"] as? String, !token.isEmpty else {
            throw ExportError.auth("token response from \(request.path) has no access_token (\(description))")
        }
        let expires = (obj?["expires_in"] as? Double) ?? (obj?["expires_in"] as? NSNumber)?.doubleValue ?? 3600
        return (token, expires)
    }

    /// A JWT for the OAuth 2 JWT bearer grant (RFC 7523), signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256).
    static func signedJWT(email: String, keyPEM: String, keyID: String?, audience: String, now: Date) throws -> String {
        var header: [String: Any] = ["alg": "RS256", "typ": "JWT"]
        if let keyID { header["kid"] = keyID }
        let iat = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = ["iss": email, "scope": scope, "aud": audience, "iat": iat, "exp": iat + 3600]
        let signingInput = base64URL(try JSONSerialization.data(withJSONObject: header, options: .sortedKeys)) + "."
            + base64URL(try JSONSerialization.data(withJSONObject: claims, options: .sortedKeys))
        let key: _RSA.Signing.PrivateKey
        do { key = try _RSA.Signing.PrivateKey(pemRepresentation: keyPEM) } catch {
            throw ExportError.auth("the private key of service account \(email) cannot be read as an RSA PEM key")
        }
        let signature = try key.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        return signingInput + "." + base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func formEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
