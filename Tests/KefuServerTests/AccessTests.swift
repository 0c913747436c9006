import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Metrics
import NIOCore
import NIOFoundationCompat
import Prometheus
import Testing

@Suite struct AccessTests {
    @Test func healthOpenAPIAndMetricsAnswer() async throws {
        try await TestApp.run { client, _, _ in
            let health = try await client.json(.get, "/health")
            #expect(health.status == .ok)
            #expect((health.json as? [String: Any])?["status"] as? String == "ok")
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("openapi: \"3.1.0\""))
            }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
        }
    }

    /// The process's metrics go to one registry, bootstrapped once for the whole test run.
    static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// A refusal is counted with the status it was answered with (three 401s were counted as 500s).
    @Test func metricsCountTheStatusSent() async throws {
        try await TestApp.run(metrics: Self.metrics) { client, _, _ in
            for _ in 0..<3 { #expect(try await client.json(.get, "/api/v1/auth/me").status == .unauthorized) }
            #expect(try await client.json(.get, "/api/v1/tickets/nope", token: try await client.login("qa")).status == .notFound)
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            // The registry is the process's: other suites running at once add to the same counters.
            let requests = text.split(separator: "\n").filter { $0.hasPrefix("hb_requests{") }
            func count(_ route: String, _ status: Int) -> Int {
                requests.first { $0.contains("http_route=\"\(route)\"") && $0.contains("http_response_status_code=\"\(status)\"") }
                    .flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 0
            }
            #expect(count("/api/v1/auth/me", 401) >= 3, "\(requests)")
            #expect(count("/api/v1/tickets/{ticketId}", 404) >= 1, "\(requests)")
            #expect(count("/api/v1/auth/me", 500) == 0 && count("/api/v1/tickets/{ticketId}", 500) == 0, "\(requests)")
        }
    }

    @Test func wrongPasswordIsRefusedAndAudited() async throws {
        try await TestApp.run { client, _, database in
            let result = try await client.json(.post, "/api/v1/auth/login", body: #"{"username":"agent1","password":"wrong-password"}"#)
            #expect(result.status == .unauthorized)
            #expect(errorCode(result.json) == "invalid_credentials")
            let failures = try await Store(database: database).audit.search(.init(action: "auth.login_failed"))
            #expect(failures.count == 1)
        }
    }

    @Test func loginSetsAnHttpOnlyCookieThatAuthenticates() async throws {
        try await TestApp.run { client, _, _ in
            let result = try await client.json(.post, "/api/v1/auth/login", body: #"{"username":"lead","password":"\#(DemoGenerator.demoPassword)"}"#)
            let cookie = try #require(result.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let pair = String(cookie.split(separator: ";")[0])
            try await client.execute(uri: "/api/v1/auth/me", method: .get, headers: [.cookie: pair]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("team_lead"))
            }
        }
    }

    @Test func noSessionMeansUnauthorized() async throws {
        try await TestApp.run { client, _, _ in
            let result = try await client.json(.get, "/api/v1/customers/cus-100000/360")
            #expect(result.status == .unauthorized)
            #expect(errorCode(result.json) == "unauthorized")
            #expect(try await client.json(.get, "/api/v1/auth/me", token: "forged").status == .unauthorized)
        }
    }

    @Test func staffSeeMasksUntilTheyUnmask() async throws {
        try await TestApp.run { client, _, _ in
            let agent = try await client.login("agent1")
            let masked = try await client.json(.get, "/api/v1/customers/cus-100000/360", token: agent)
            #expect(masked.status == .ok)
            let customer = try masked.decoded(Customer360.self).customer
            #expect(customer.contactPhone == "138****8000")
            #expect(customer.idNumber.hasPrefix("**************"))
            #expect(customer.name.contains("*"))
            #expect(customer.masked)

            // Even a team lead, who may unmask, reads the masked record until they unmask with a reason.
            let lead = try await client.login("lead")
            let leadView = try await client.json(.get, "/api/v1/customers/cus-100000", token: lead)
            #expect(try leadView.decoded(Customer.self).contactPhone == "138****8000")
        }
    }

    @Test func unmaskingNeedsThePermissionAndAReasonAndIsAudited() async throws {
        try await TestApp.run { client, _, database in
            let agent = try await client.login("agent1")
            let refused = try await client.json(.post, "/api/v1/customers/cus-100000/unmask", token: agent, body: #"{"reason":"核实身份"}"#)
            #expect(refused.status == .forbidden)
            let lead = try await client.login("lead")
            let noReason = try await client.json(.post, "/api/v1/customers/cus-100000/unmask", token: lead, body: #"{"reason":"  "}"#)
            #expect(noReason.status == .badRequest)
            let ok = try await client.json(.post, "/api/v1/customers/cus-100000/unmask", token: lead, body: #"{"reason":"客户来电核实身份"}"#)
            #expect(ok.status == .ok)
            #expect(try ok.decoded(Customer.self).contactPhone == "13800138000")
            let entries = try await Store(database: database).audit.search(.init(action: "pii.unmask"))
            #expect(entries.count == 1 && entries.first?.reason == "客户来电核实身份" && entries.first?.actorId == "staff-lead")
        }
    }

    @Test func agentCannotReachTheAdminAPI() async throws {
        try await TestApp.run { client, _, _ in
            let agent = try await client.login("agent2")
            let create = try await client.json(
                .post, "/api/v1/admin/users", token: agent,
                body: #"{"username":"evil","password":"0123456789ab","displayName":"x","role":"admin","agentNo":"X1"}"#
            )
            #expect(create.status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: agent).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/audit", token: agent).status == .forbidden)
            let qa = try await client.login("qa")
            #expect(try await client.json(.get, "/api/v1/audit", token: qa).status == .ok)
            #expect(try await client.json(.post, "/api/v1/admin/users/staff-agent1/disable", token: qa).status == .forbidden)
        }
    }

    @Test func adminCreatesAndDisablesStaff() async throws {
        try await TestApp.run { client, _, _ in
            let admin = try await client.login("admin")
            let created = try await client.json(
                .post, "/api/v1/admin/users", token: admin,
                body: #"{"username":"agent7","password":"0123456789ab","displayName":"新坐席","role":"agent","agentNo":"K3007","skills":["billing"]}"#
            )
            #expect(created.status == .created)
            let id = try #require((created.json as? [String: Any])?["id"] as? String)
            let token = try await client.login("agent7", password: "0123456789ab")
            #expect(try await client.json(.get, "/api/v1/auth/me", token: token).status == .ok)
            #expect(try await client.json(.post, "/api/v1/admin/users/\(id)/disable", token: admin).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/auth/me", token: token).status == .unauthorized)
            let again = try await client.json(
                .post, "/api/v1/admin/users", token: admin,
                body: #"{"username":"agent7","password":"0123456789ab","displayName":"x","role":"agent","agentNo":"K3008"}"#
            )
            #expect(again.status == .conflict)
        }
    }

    @Test func customerReadsOnlyTheirOwnRecordAndBills() async throws {
        try await TestApp.run { client, sms, database in
            let token = try await client.customerLogin("13800138000", sms: sms)
            let own = try await client.json(.get, "/api/v1/customers/cus-100000/360", token: token)
            #expect(own.status == .ok)
            let view = try own.decoded(Customer360.self)
            #expect(view.customer.contactPhone == "13800138000" && !view.customer.masked)
            // Their own ID number too is shown masked: nothing they do needs it in full.
            let stored = try #require(try await Store(database: database).customers.find(id: "cus-100000"))
            #expect(view.customer.idNumber == Masking.idNumber(stored.idNumber) && view.customer.idNumber != stored.idNumber)
            #expect(view.customer.name == stored.name)
            let plain = try await client.json(.get, "/api/v1/customers/cus-100000", token: token).decoded(Customer.self)
            #expect(plain.idNumber == view.customer.idNumber)
            let ownBill = try #require(view.bills.first?.id)
            #expect(try await client.json(.get, "/api/v1/bills/\(ownBill)", token: token).status == .ok)
            // A bill's id says nothing of whose line or which month it is: it cannot be derived.
            #expect(view.bills.allSatisfy { bill in !bill.id.contains(bill.subscriptionId) && !bill.id.contains(bill.month) })

            let other = try #require(try await Store(database: database).customers.view360(id: "cus-100001"))
            let otherBill = try #require(other.bills.first?.id)
            let refused = try await client.json(.get, "/api/v1/bills/\(otherBill)", token: token)
            #expect(refused.status == .notFound)
            #expect(try await client.json(.get, "/api/v1/customers/cus-100001/360", token: token).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/customers?q=138", token: token).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/admin/users", token: token).status == .forbidden)
        }
    }

    @Test func smsCodeIsSingleUseAndBurnsAfterFiveWrongGuesses() async throws {
        try await TestApp.run { client, sms, _ in
            let phone = "13900139001"
            _ = try await client.json(.post, "/api/v1/auth/sms/request", body: #"{"phone":"\#(phone)"}"#)
            let code = try #require(sms.lastCode(for: phone))
            let wrong = code == "000000" ? "111111" : "000000"
            for _ in 0..<5 {
                let guess = try await client.json(.post, "/api/v1/auth/sms/verify", body: #"{"phone":"\#(phone)","code":"\#(wrong)"}"#)
                #expect(guess.status == .unauthorized)
            }
            let late = try await client.json(.post, "/api/v1/auth/sms/verify", body: #"{"phone":"\#(phone)","code":"\#(code)"}"#)
            #expect(late.status == .unauthorized)
        }
    }

    @Test func unknownNumbersGetTheSameAnswerButNoCode() async throws {
        try await TestApp.run { client, sms, _ in
            let result = try await client.json(.post, "/api/v1/auth/sms/request", body: #"{"phone":"13311112222"}"#)
            #expect(result.status == .accepted)
            #expect(sms.lastCode(for: "13311112222") == nil)
        }
    }

    @Test func loginAndSmsAreRateLimited() async throws {
        try await TestApp.run { client, _, _ in
            for _ in 0..<LoginLockout.failuresPerAccountAndAddress {
                _ = try await client.json(.post, "/api/v1/auth/login", body: #"{"username":"agent3","password":"wrong-password"}"#)
            }
            let limited = try await client.json(.post, "/api/v1/auth/login", body: #"{"username":"agent3","password":"\#(DemoGenerator.demoPassword)"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(errorCode(limited.json) == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)

            #expect(try await client.json(.post, "/api/v1/auth/sms/request", body: #"{"phone":"18600186002"}"#).status == .accepted)
            let again = try await client.json(.post, "/api/v1/auth/sms/request", body: #"{"phone":"18600186002"}"#)
            #expect(again.status == .tooManyRequests)
            #expect(again.headers[.retryAfter] != nil)
        }
    }

    /// Wrong guesses from one address lock out that address only: the admin still logs in from
    /// elsewhere. Many addresses together lock the account, and its owner is told.
    @Test func lockOutIsPerAccountAndAddressAndTheOwnerIsTold() async throws {
        var config = TestApp.config
        config.trustedProxies = ["127.0.0.1"]
        try await TestApp.run(config: config, mode: .live) { client, _, _ in
            @Sendable func login(_ password: String, from address: String) async throws -> APIAnswer {
                try await client.execute(
                    uri: "/api/v1/auth/login", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: "10.9.9.9, \(address)"],
                    body: ByteBuffer(string: #"{"username":"admin","password":"\#(password)"}"#)
                ) { APIAnswer(status: $0.status, headers: $0.headers, data: Data(buffer: $0.body)) }
            }
            for _ in 0..<LoginLockout.failuresPerAccountAndAddress {
                #expect(try await login("guess", from: "203.0.113.7").status == .unauthorized)
            }
            #expect(try await login(DemoGenerator.demoPassword, from: "203.0.113.7").status == .tooManyRequests)
            let fromOffice = try await login(DemoGenerator.demoPassword, from: "198.51.100.20")
            #expect(fromOffice.status == .ok, "the stranger's guesses did not lock the admin out")
            let token = try fromOffice.decoded(SessionToken.self).token
            #expect(try await client.json(.get, "/api/v1/notifications", token: token).decoded([StaffNotification].self).isEmpty)

            // A guesser with many addresses reaches the account's own limit: locked everywhere, owner told.
            var failures = LoginLockout.failuresPerAccountAndAddress
            var host = 1
            while failures < LoginLockout.failuresPerAccount {
                for _ in 0..<4 where failures < LoginLockout.failuresPerAccount {
                    _ = try await login("guess", from: "192.0.2.\(host)")
                    failures += 1
                }
                host += 1
            }
            #expect(try await login(DemoGenerator.demoPassword, from: "198.51.100.20").status == .tooManyRequests)
            let notices = try await client.json(.get, "/api/v1/notifications", token: token).decoded([StaffNotification].self)
            #expect(notices.contains { $0.kind == "account_locked" && $0.text.contains("admin") })
            let audit = try await client.json(.get, "/api/v1/audit?action=auth.account_locked", token: token).decoded([AuditEntry].self)
            #expect(audit.count == 1 && audit.first?.detail?.contains("192.0.2.") == true)
        }
    }
}
