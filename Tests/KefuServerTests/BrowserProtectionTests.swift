import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuServer
import Testing

/// What the server tells browsers on every answer, who may open the chat socket, and the cookie.
@Suite struct BrowserProtectionTests {
    static func expectProtections(_ headers: HTTPFields, sourceLocation: SourceLocation = #_sourceLocation) {
        let csp = headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
        #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval") && csp.contains("frame-ancestors 'none'"), sourceLocation: sourceLocation)
        #expect(!(csp.components(separatedBy: ";").first { $0.contains("script-src") } ?? "").contains("unsafe-inline"), sourceLocation: sourceLocation)
        #expect(headers[HTTPField.Name("X-Frame-Options")!] == "DENY", sourceLocation: sourceLocation)
        #expect(headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", sourceLocation: sourceLocation)
        #expect(headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", sourceLocation: sourceLocation)
    }

    @Test func pagesAndAnswersCarryTheProtectionsAndPersonalDataIsNeverCached() async throws {
        try await TestApp.run { client, sms, _ in
            for page in ["/", "/agent/", "/assets/kefu.css"] {
                try await client.execute(uri: page, method: .get) { response in
                    #expect(response.status == .ok)
                    Self.expectProtections(response.headers)
                    #expect(response.headers[.cacheControl] != "no-store")
                }
            }
            let refused = try await client.json(.get, "/api/v1/auth/me")
            #expect(refused.status == .unauthorized)
            Self.expectProtections(refused.headers)
            let customer = try await client.customerLogin("13800138000", sms: sms)
            let record = try await client.json(.get, "/api/v1/customers/cus-100000/360", token: customer)
            #expect(record.status == .ok && record.headers[.cacheControl] == "no-store")
            Self.expectProtections(record.headers)
        }
    }

    @Test func behindTLSBrowsersAreToldToStayOnHTTPSAndCookiesAreSecure() async throws {
        var config = TestApp.config
        config.behindTLS = true
        config.secureCookies = true
        try await TestApp.run(config: config) { client, _, _ in
            let login = try await client.json(.post, "/api/v1/auth/login", body: #"{"username":"agent1","password":"kefu-demo-2026"}"#)
            #expect(login.headers[.setCookie]?.contains("; Secure") == true && login.headers[.setCookie]?.contains("HttpOnly") == true)
            #expect(login.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
        }
        try await TestApp.run { client, _, _ in
            let login = try await client.json(.post, "/api/v1/auth/login", body: #"{"username":"agent1","password":"kefu-demo-2026"}"#)
            #expect(login.headers[.setCookie]?.contains("Secure") == false)
            #expect(login.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }

    /// Any site could otherwise open the socket with a logged-in visitor's cookie and chat as them.
    @Test func theChatSocketOpensOnlyFromTheServersOwnPagesOrAllowedOnes() async throws {
        var config = TestApp.config
        config.allowedOrigins = ["https://portal.example.com"]
        try await TestApp.run(config: config, mode: .live) { client, _, _ in
            let port = try #require(client.port)
            let token = try await client.login("agent1")
            for origin in ["http://127.0.0.1:\(port)", "https://portal.example.com", nil] {
                let socket = ChatTestClient(port: port, token: token, origin: origin)
                try await socket.next("welcome")
                await socket.close()
            }
            for origin in ["https://evil.example", "http://127.0.0.1:1", "null"] {
                let socket = ChatTestClient(port: port, token: token, origin: origin)
                _ = try await socket.closedByServer()
                #expect(socket.frames.isEmpty, "\(origin) opened the socket")
            }
        }
    }
}
