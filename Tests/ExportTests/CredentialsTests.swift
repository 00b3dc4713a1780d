import _CryptoExtras
import Crypto
@testable import Export
import Foundation
import Testing

@Suite struct CredentialsTests {
    static func base64URLDecode(_ s: Substring) -> Data? {
        var b = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        return Data(base64Encoded: b)
    }

    /// A token endpoint that accepts only a JWT bearer assertion signed by `publicKey`, with the claims
    /// Google requires, and answers with `token`.
    static func tokenEndpoint(publicKey: _RSA.Signing.PublicKey, email: String, token: String, failures: Box<[String]>) -> (HTTPRequest) -> HTTPResponse {
        { request in
            let form = Dictionary(String(decoding: request.body, as: UTF8.self).split(separator: "&").map { pair -> (String, String) in
                let kv = pair.split(separator: "=", maxSplits: 1)
                return (String(kv[0]), String(kv.count > 1 ? kv[1] : "").removingPercentEncoding ?? "")
            }, uniquingKeysWith: { a, _ in a })
            guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", let jwt = form["assertion"] else {
                failures.with { $0.append("bad grant: \(form["grant_type"] ?? "none")") }
                return jsonResponse(400, ["error": "unsupported_grant_type"])
            }
            let parts = jwt.split(separator: ".")
            guard parts.count == 3, let sig = base64URLDecode(parts[2]),
                  let header = base64URLDecode(parts[0]).flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }),
                  let claims = base64URLDecode(parts[1]).flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }) else {
                failures.with { $0.append("malformed JWT") }
                return jsonResponse(400, ["error": "invalid_grant", "error_description": "malformed JWT"])
            }
            let signed = Data((parts[0] + "." + parts[1]).utf8)
            let valid = publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: sig), for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5)
            let iat = (claims["iat"] as? NSNumber)?.intValue ?? 0, exp = (claims["exp"] as? NSNumber)?.intValue ?? 0
            let now = Int(Date().timeIntervalSince1970)
            var problems: [String] = []
            if !valid { problems.append("signature does not verify") }
            if header["alg"] as? String != "RS256" { problems.append("alg \(header["alg"] ?? "none")") }
            if header["kid"] as? String != "key-1" { problems.append("kid") }
            if claims["iss"] as? String != email { problems.append("iss") }
            if claims["aud"] as? String != request.url { problems.append("aud \(claims["aud"] ?? "none") != \(request.url)") }
            if !(claims["scope"] as? String ?? "").contains("https://www.googleapis.com/auth/") { problems.append("scope") }
            if abs(iat - now) > 60 || exp - iat != 3600 { problems.append("iat/exp") }
            if !problems.isEmpty {
                failures.with { $0 += problems }
                return jsonResponse(400, ["error": "invalid_grant", "error_description": "Invalid JWT: " + problems.joined(separator: ", ")])
            }
            return jsonResponse(200, ["access_token": token, "expires_in": 3599, "token_type": "Bearer"])
        }
    }

    /// The bearer tokens a fake BigQuery saw, and a dataset that always exists.
    static func bigQuery(_ seen: Box<[String]>) -> (HTTPRequest) -> HTTPResponse {
        { request in
            seen.with { $0.append(request.header("Authorization") ?? "none") }
            return jsonResponse(200, ["id": "proj:ds"])
        }
    }

    @Test func aServiceAccountKeyIsExchangedForATokenWithAnRS256JWTThatTheServerVerifies() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let token = "ya29.service-\(UUID().uuidString)"
        let failures = Box<[String]>([])
        let tokenServer = try StubServer(handler: Self.tokenEndpoint(publicKey: key.publicKey, email: "nq@proj.iam.gserviceaccount.com", token: token, failures: failures))
        let seen = Box<[String]>([])
        let api = try StubServer(handler: Self.bigQuery(seen))
        try withTemporaryDirectory { dir in
            let keyFile = dir + "/key.json"
            let json: [String: Any] = ["type": "service_account", "project_id": "proj", "private_key_id": "key-1",
                                       "private_key": key.pkcs8PEMRepresentation, "client_email": "nq@proj.iam.gserviceaccount.com",
                                       "token_uri": tokenServer.url + "/token"]
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: keyFile))
            let transport = try CurlTransport()
            let credentials = try Credentials.resolve(explicitToken: nil, environment: ["GOOGLE_APPLICATION_CREDENTIALS": keyFile, "HOME": dir],
                                                      transport: transport, allowNone: false)
            let client = BigQueryClient(config: BigQueryConfig(project: "proj", dataset: "ds", endpoint: api.url), transport: transport, credentials: credentials)
            try client.ensureDataset("ds")
            try client.ensureDataset("ds")
        }
        #expect(failures.get == [])
        #expect(tokenServer.requests.count == 1)  // cached for the second call
        #expect(seen.get == ["Bearer \(token)", "Bearer \(token)"])
    }

    @Test func aKeySignedByAnotherKeyIsRejectedWithTheEndpointsMessageAndNoSecret() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let failures = Box<[String]>([])
        let tokenServer = try StubServer(handler: Self.tokenEndpoint(publicKey: other.publicKey, email: "nq@proj.iam.gserviceaccount.com", token: "unused", failures: failures))
        try withTemporaryDirectory { dir in
            let keyFile = dir + "/key.json"
            let pem = key.pkcs8PEMRepresentation
            let json: [String: Any] = ["type": "service_account", "private_key_id": "key-1", "private_key": pem,
                                       "client_email": "nq@proj.iam.gserviceaccount.com", "token_uri": tokenServer.url + "/token"]
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: keyFile))
            let credentials = try Credentials.resolve(explicitToken: nil, environment: ["GOOGLE_APPLICATION_CREDENTIALS": keyFile],
                                                      transport: try CurlTransport(), allowNone: false)
            let error = #expect(throws: ExportError.self) { _ = try credentials.accessToken() }
            let text = error?.text ?? ""
            #expect(text.contains("HTTP 400: invalid_grant: Invalid JWT: signature does not verify"))
            #expect(text.contains("/token"))
            let keyBody = pem.split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
            #expect(!text.contains(keyBody))
            #expect(!text.contains("assertion"))
        }
        #expect(tokenServer.requests.count == 1)  // a 400 is not retried
    }

    @Test func gcloudUserCredentialsAreRefreshedWithTheirRefreshToken() throws {
        let refresh = "1//refresh-\(UUID().uuidString)"
        let tokenServer = try StubServer { request in
            let body = String(decoding: request.body, as: UTF8.self)
            guard body.contains("grant_type=refresh_token"), body.contains("refresh_token=\(Credentials.formEncode(refresh))"),
                  body.contains("client_id=cid"), body.contains("client_secret=csecret") else {
                return jsonResponse(400, ["error": "invalid_request"])
            }
            return jsonResponse(200, ["access_token": "ya29.user", "expires_in": 3600])
        }
        let seen = Box<[String]>([])
        let api = try StubServer(handler: Self.bigQuery(seen))
        try withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/gcloud", withIntermediateDirectories: true)
            let adc: [String: Any] = ["type": "authorized_user", "client_id": "cid", "client_secret": "csecret",
                                      "refresh_token": refresh, "token_uri": tokenServer.url + "/token"]
            try JSONSerialization.data(withJSONObject: adc).write(to: URL(fileURLWithPath: dir + "/gcloud/application_default_credentials.json"))
            let transport = try CurlTransport()
            let credentials = try Credentials.resolve(explicitToken: nil, environment: ["CLOUDSDK_CONFIG": dir + "/gcloud"], transport: transport, allowNone: false)
            #expect(credentials.description.contains("gcloud user credentials"))
            let client = BigQueryClient(config: BigQueryConfig(project: "proj", dataset: "ds", endpoint: api.url), transport: transport, credentials: credentials)
            try client.ensureDataset("ds")
        }
        #expect(seen.get == ["Bearer ya29.user"])
    }

    @Test func theMetadataServerIsAskedWithItsFlavorHeader() throws {
        let metadata = try StubServer { request in
            guard request.header("Metadata-Flavor") == "Google",
                  request.path == "/computeMetadata/v1/instance/service-accounts/default/token" else { return HTTPResponse(status: 403) }
            return jsonResponse(200, ["access_token": "ya29.gce", "expires_in": 3600, "token_type": "Bearer"])
        }
        let seen = Box<[String]>([])
        let api = try StubServer(handler: Self.bigQuery(seen))
        let transport = try CurlTransport()
        try withTemporaryDirectory { dir in
            let credentials = try Credentials.resolve(explicitToken: nil, environment: ["GCE_METADATA_HOST": "127.0.0.1:\(metadata.port)", "HOME": dir],
                                                      transport: transport, allowNone: false)
            let client = BigQueryClient(config: BigQueryConfig(project: "proj", dataset: "ds", endpoint: api.url), transport: transport, credentials: credentials)
            try client.ensureDataset("ds")
        }
        #expect(seen.get == ["Bearer ya29.gce"])
        #expect(metadata.requests.count == 1)
    }

    @Test func anExplicitTokenComesBeforeAKeyFileAndNoCredentialsIsAnErrorForGoogle() throws {
        let c = try Credentials.resolve(explicitToken: nil, environment: ["NQ_BIGQUERY_TOKEN": "tok", "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent"],
                                        transport: try CurlTransport(), allowNone: false)
        #expect(try c.accessToken() == "tok")
        try withTemporaryDirectory { dir in
            let error = #expect(throws: ExportError.self) {
                _ = try Credentials.resolve(explicitToken: nil, environment: ["HOME": dir], transport: try CurlTransport(), allowNone: false)
            }
            #expect(error?.text.contains("GOOGLE_APPLICATION_CREDENTIALS") == true)
            let none = try Credentials.resolve(explicitToken: nil, environment: ["HOME": dir], transport: try CurlTransport(), allowNone: true)
            #expect(try none.accessToken() == nil)
        }
    }
}
