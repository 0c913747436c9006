import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

@Suite struct BusinessAPITests {
    /// The answers of the business API, as far as this suite reads them.
    struct Quote: Decodable { let id: String; let penaltyFen: Int64; let effectiveOn: String; let upgrade: Bool }
    struct Recommendation: Decodable { let kind: String; let reason: String }
    struct Reservation: Decodable { let number: String; let reservationToken: String }
    struct Opened: Decodable { let customerId: String; let agreementId: String; let signedContentSHA256: String }

    static func recharge(_ client: any TestClientProtocol, token: String, customer: String = "cus-100000", amount: String, key: String) async throws -> (status: HTTPResponse.Status, json: [String: Any]?) {
        try await client.execute(
            uri: "/api/v1/customers/\(customer)/recharges", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json", HTTPField.Name("Idempotency-Key")!: key],
            body: ByteBuffer(string: #"{"amountYuan":"\#(amount)","channel":"wechat"}"#)
        ) { ($0.status, try? JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any]) }
    }

    @Test func rechargeRefusesBadAmountsAndCreditsOncePerKey() async throws {
        try await TestApp.run { client, sms, database in
            let token = try await client.customerLogin("13800138000", sms: sms)
            let before = try #require(try await Store(database: database).customers.find(id: "cus-100000")).balanceFen
            for bad in ["0", "0.001", "5000.01", "-5", "abc"] {
                #expect(try await Self.recharge(client, token: token, amount: bad, key: "key-\(bad.hashValue)").status == .unprocessableContent, "\(bad)")
            }
            #expect(try await Store(database: database).customers.find(id: "cus-100000")?.balanceFen == before)
            let first = try await Self.recharge(client, token: token, amount: "50", key: "order-0001")
            #expect(first.status == .created && first.json?["balanceFen"] as? Int == Int(before) + 5000)
            let again = try await Self.recharge(client, token: token, amount: "50", key: "order-0001")
            #expect(again.json?["duplicate"] as? Bool == true && again.json?["paymentId"] as? String == first.json?["paymentId"] as? String)
            #expect(try await Self.recharge(client, token: token, amount: "60", key: "order-0001").status == .conflict)
            #expect(try await Store(database: database).customers.find(id: "cus-100000")?.balanceFen == before + 5000)
            // Not someone else's account.
            #expect(try await Self.recharge(client, token: token, customer: "cus-100001", amount: "50", key: "order-0002").status == .notFound)
        }
    }

    @Test func arrearsLineResumesAfterRecharge() async throws {
        try await TestApp.run { client, sms, database in
            let store = Store(database: database)
            let debt = try #require(try await store.customers.find(id: "cus-100001")).balanceFen
            let agent = try await client.login("agent3")
            let yuan = String(format: "%.2f", Double(-debt) / 100)
            let paid = try await Self.recharge(client, token: agent, customer: "cus-100001", amount: yuan, key: "counter-0001")
            #expect(paid.status == .created && paid.json?["balanceFen"] as? Int == 0)
            #expect((paid.json?["resumed"] as? [String])?.count == 1)
            #expect(try await store.customers.view360(id: "cus-100001")?.subscriptions.allSatisfy { $0.status == .active } == true)
            let qa = try await client.login("qa")
            #expect(try await Self.recharge(client, token: qa, customer: "cus-100001", amount: "1", key: "counter-0002").status == .forbidden)
        }
    }

    @Test func planChangeQuoteThenConfirmOnce() async throws {
        try await TestApp.run { client, sms, database in
            let token = try await client.customerLogin("18600186002", sms: sms)
            let line = try #require(try await Store(database: database).customers.view360(id: "cus-100002")?.subscriptions.first)
            let quote = try await client.json(.post, "/api/v1/customers/cus-100002/plan-quotes", token: token,
                                              body: #"{"subscriptionId":"\#(line.id)","packageCode":"M4G-19","timing":"immediately"}"#)
            #expect(quote.status == .unprocessableContent, "a downgrade cannot be immediate")
            let down = try await client.json(.post, "/api/v1/customers/cus-100002/plan-quotes", token: token,
                                             body: #"{"subscriptionId":"\#(line.id)","packageCode":"M4G-19","timing":"next_month"}"#)
            #expect(down.status == .created)
            let body = try down.decoded(Quote.self)
            // 18600186002 is on a contract with M5G-129 as its minimum: going to 19 yuan costs a penalty.
            #expect(body.penaltyFen > 0 && !body.upgrade)
            #expect(body.effectiveOn.hasSuffix("-01"))
            let id = body.id
            #expect(try await client.json(.post, "/api/v1/customers/cus-100002/plan-quotes/\(id)/confirm", token: token).status == .ok)
            let second = try await client.json(.post, "/api/v1/customers/cus-100002/plan-quotes/\(id)/confirm", token: token)
            #expect(second.status == .conflict)
            #expect(try await Store(database: database).business.pendingChange(subscriptionId: line.id)?.0 == "M4G-19")
            let view = try #require(try await Store(database: database).customers.view360(id: "cus-100002"))
            // The order names the plans as people know them, not by their codes.
            #expect(view.orders.contains { $0.kind == "change_plan" && $0.summary.contains("5G畅享 129元 → 4G畅聊卡 19元") })
            #expect(view.subscriptions.first { $0.id == line.id }?.pendingPackageCode == "M4G-19")
        }
    }

    @Test func valueAddedServicesAndRecommendations() async throws {
        try await TestApp.run { client, sms, database in
            let services = try await Store(database: database).business.valueAddedServices(customerId: "cus-100002")
            let token = try await client.customerLogin("18600186002", sms: sms)
            let listed = try await client.json(.get, "/api/v1/customers/cus-100002/value-added-services", token: token)
            #expect(try listed.decoded([ValueAddedService].self).map(\.id) == services.map(\.id))
            if let service = services.first {
                #expect(try await client.json(.post, "/api/v1/customers/cus-100002/value-added-services/\(service.id)/unsubscribe", token: token).status == .ok)
                #expect(try await client.json(.post, "/api/v1/customers/cus-100002/value-added-services/\(service.id)/unsubscribe", token: token).status == .conflict)
            }
            let recs = try await client.json(.get, "/api/v1/customers/cus-100000/recommendations", token: try await client.login("agent1"))
            #expect(recs.status == .ok)
            for rec in try recs.decoded([Recommendation].self) { #expect(!rec.reason.isEmpty) }
        }
    }

    static let face = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 3, count: 200)).base64EncodedString()

    static func iccid(_ n: Int) -> String {
        let payload = "898600" + String(format: "%012d", n)
        return payload + String(ICCID.luhnCheckDigit(Array(payload).compactMap(\.wholeNumberValue)))
    }

    static func openBody(number: String, token: String, idNumber: String = "11010519491231002X", iccid: String, consent: Bool = true) -> String {
        #"{"reservationToken":"\#(token)","number":"\#(number)","name":"新客户","idNumber":"\#(idNumber)","contactPhone":"13712345678","city":"杭州","district":"西湖区","address":"杭州市西湖区文三路1号","packageCode":"M5G-79","iccid":"\#(iccid)","faceImage":"\#(face)","agreementVersion":"\#(ServiceAgreement.version)","consent":\#(consent)}"#
    }

    @Test func openingANumberEndToEnd() async throws {
        try await TestApp.run { client, _, database in
            let numbers = try #require((try await client.json(.get, "/api/v1/numbers?city=%E6%9D%AD%E5%B7%9E").json) as? [String])
            #expect(numbers.count == 12)
            // Many try to hold one number at once: one gets it.
            let number = numbers[0]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 { group.addTask { try await client.json(.post, "/api/v1/numbers/\(number)/reservations").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1 && statuses.filter { $0 == .conflict }.count == 9)
            let held = try await client.json(.post, "/api/v1/numbers/\(numbers[1])/reservations")
            let token = try held.decoded(Reservation.self).reservationToken
            var offByOne = Array(Self.iccid(1))
            offByOne[10] = offByOne[10] == "9" ? "8" : "9"
            for (body, problem) in [
                (Self.openBody(number: numbers[1], token: token, iccid: String(offByOne)), "校验位"),
                (Self.openBody(number: numbers[1], token: token, idNumber: "110105194912310021", iccid: Self.iccid(1)), "校验位"),
                (Self.openBody(number: numbers[1], token: token, iccid: Self.iccid(1), consent: false), "协议"),
                (Self.openBody(number: numbers[1], token: "not-the-token", iccid: Self.iccid(1)), "预占"),
            ] {
                let refused = try await client.json(.post, "/api/v1/accounts", body: body)
                #expect([.unprocessableContent, .conflict].contains(refused.status))
                let message = refused.error?.message ?? ""
                #expect(message.contains(problem), "\(message)")
            }
            let opened = try await client.json(.post, "/api/v1/accounts", body: Self.openBody(number: numbers[1], token: token, iccid: Self.iccid(1)))
            #expect(opened.status == .created)
            let account = try opened.decoded(Opened.self)
            let agreementId = account.agreementId
            let digest = account.signedContentSHA256
            let agreement = try #require(try await Store(database: database).business.agreement(id: agreementId))
            #expect(agreement.signedContentSHA256 == digest && digest.count == 64 && agreement.version == ServiceAgreement.version)
            // The same number cannot be opened twice.
            #expect(try await client.json(.post, "/api/v1/accounts", body: Self.openBody(number: numbers[1], token: token, iccid: Self.iccid(2))).status == .conflict)
        }
    }

    @Test func underSixteenCannotOpenOnline() async throws {
        try await TestApp.run { client, _, _ in
            let today = CalendarDate(chinaTime: Date())
            let birth = CalendarDate(year: today.year - 16, month: today.month, day: today.day)?.addingDays(1) ?? today
            let body = "330106" + birth.description.replacingOccurrences(of: "-", with: "") + "123"
            let id = body + String(ResidentID.checkCharacter(for: Array(body).compactMap(\.wholeNumberValue)))
            let numbers = try #require((try await client.json(.get, "/api/v1/numbers?city=%E6%9D%AD%E5%B7%9E").json) as? [String])
            let token = try await client.json(.post, "/api/v1/numbers/\(numbers[0])/reservations").decoded(Reservation.self).reservationToken
            let refused = try await client.json(.post, "/api/v1/accounts", body: Self.openBody(number: numbers[0], token: token, idNumber: id, iccid: Self.iccid(9)))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.error?.message.contains("16") == true)
        }
    }
}

/// The real HTTP client for face verification against a small local provider.
@Suite struct IdentityProviderTests {
    final class Calls: Sendable {
        let count = Synchronization.Mutex(0)
    }

    static func withProvider(status: HTTPResponse.Status, reply: String, delay: Duration = .zero, _ body: @Sendable (String, Calls) async throws -> Void) async throws {
        let calls = Calls()
        let router = Router()
        router.post("/verify") { request, _ -> Response in
            calls.count.withLock { $0 += 1 }
            #expect(request.headers[.authorization] == "Bearer secret")
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: reply)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)/verify", calls) }
    }

    @Test func passes() async throws {
        try await Self.withProvider(status: .ok, reply: #"{"passed":true,"score":0.97,"reference":"r1"}"#) { url, calls in
            let verdict = try await HTTPIdentityVerifier(url: url, apiKey: "secret", timeout: .seconds(60)).verify(name: "张三", idNumber: "11010519491231002X", faceImage: Data([1, 2, 3]))
            #expect(verdict == IdentityVerdict(passed: true, score: 0.97, reference: "r1"))
            #expect(calls.count.withLock { $0 } == 1)
        }
    }

    @Test func retriesProviderErrorsThenGivesAClearError() async throws {
        try await Self.withProvider(status: .serviceUnavailable, reply: "{}") { url, calls in
            await #expect(throws: IdentityVerificationError.providerError(503)) {
                _ = try await HTTPIdentityVerifier(url: url, apiKey: "secret", attempts: 3).verify(name: "张三", idNumber: "x", faceImage: Data([1]))
            }
            #expect(calls.count.withLock { $0 } == 3)
        }
    }

    @Test func rejectedRequestIsNotRetried() async throws {
        try await Self.withProvider(status: .badRequest, reply: #"{"error":"image too small"}"#) { url, calls in
            await #expect(throws: IdentityVerificationError.rejectedRequest("image too small")) {
                // A generous timeout: on a loaded machine a slow first answer would be retried as a timeout,
                // which is right, and not what this test is about.
                _ = try await HTTPIdentityVerifier(url: url, apiKey: "secret", timeout: .seconds(60)).verify(name: "张三", idNumber: "x", faceImage: Data([1]))
            }
            #expect(calls.count.withLock { $0 } == 1)
        }
    }

    @Test func malformedAnswerAndTimeout() async throws {
        try await Self.withProvider(status: .ok, reply: #"{"passed":"yes"}"#) { url, _ in
            await #expect(throws: IdentityVerificationError.malformedAnswer) {
                _ = try await HTTPIdentityVerifier(url: url, apiKey: "secret").verify(name: "张三", idNumber: "x", faceImage: Data([1]))
            }
        }
        try await Self.withProvider(status: .ok, reply: #"{"passed":true,"score":1,"reference":"r"}"#, delay: .seconds(2)) { url, _ in
            await #expect(throws: IdentityVerificationError.timedOut) {
                _ = try await HTTPIdentityVerifier(url: url, apiKey: "secret", timeout: .milliseconds(200), attempts: 1).verify(name: "张三", idNumber: "x", faceImage: Data([1]))
            }
        }
        await #expect(throws: IdentityVerificationError.unreachable) {
            _ = try await HTTPIdentityVerifier(url: "http://127.0.0.1:1/verify", apiKey: "secret", attempts: 1).verify(name: "张三", idNumber: "x", faceImage: Data([1]))
        }
    }
}
