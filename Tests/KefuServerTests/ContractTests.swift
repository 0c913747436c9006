import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuServer
import NIOCore
import Testing

/// Requests are checked against `openapi.yaml` before any handler: parameters within their schema,
/// named when they are not; methods the contract does not declare; a session before a body is read.
@Suite struct ContractTests {
    @Test func parametersOutsideTheirSchemaAreRefusedByName() async throws {
        try await TestApp.run { client, _, _ in
            let admin = try await client.login("admin")
            for (uri, parameter) in [
                ("/api/v1/customers?limit=-247950", "limit"), ("/api/v1/customers?limit=abc", "limit"),
                ("/api/v1/audit?limit=501", "limit"), ("/api/v1/audit?since=2026-02-30T00:00:00Z", "since"),
                ("/api/v1/audit?until=yesterday", "until"), ("/api/v1/tickets?priority=urgent", "priority"),
                ("/api/v1/tickets?breached=maybe", "breached"),
                ("/api/v1/customers/\(String(repeating: "c", count: 65))", "customerId"),
            ] {
                let answer = try await client.json(.get, uri, token: admin)
                #expect(answer.status == .badRequest, "\(uri)")
                #expect(answer.error?.code == "invalid_parameter" && answer.error?.message.contains("参数 \(parameter)") == true, "\(uri): \(String(describing: answer.error))")
            }
            // RFC 3339 as browsers and other clients write it, every offset included.
            for since in ["2026-12-01T08:30:00.123Z", "2026-12-01T16:30:00+08:00", "0161-02-23T02:01:20.413161-21:46", "2026-12-01t08:30:00z"] {
                let encoded = since.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                #expect(try await client.json(.get, "/api/v1/audit?since=\(encoded)", token: admin).status == .ok, "\(since)")
            }
        }
    }

    @Test func undeclaredMethodsAre405WithWhatIsAllowed() async throws {
        try await TestApp.run { client, _, _ in
            for (method, uri, allowed) in [
                (HTTPRequest.Method.delete, "/api/v1/auth/me", "GET"), (.put, "/api/v1/tickets", "GET, POST"), (.patch, "/health", "GET"),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allowed)
                }
            }
        }
    }

    /// A stranger learns nothing about a body's shape, and the server parses nothing for them.
    @Test func theSessionIsCheckedBeforeTheBodyIsRead() async throws {
        try await TestApp.run { client, _, _ in
            for uri in ["/api/v1/tickets", "/api/v1/admin/users", "/api/v1/customers"] {
                let answer = try await client.json(.post, uri, body: "{not json")
                #expect(answer.status == .unauthorized, "\(uri)")
                #expect(answer.error?.code == "unauthorized")
            }
        }
    }
}
