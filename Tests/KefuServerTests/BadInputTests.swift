import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import NIOCore
import Testing

/// Every class of bad input gets a 4xx with a JSON error, and nothing is stored.
@Suite struct BadInputTests {
    static let package = #"{"code":"NEW-1","name":"新套餐","category":"mobile_5g","monthlyFeeFen":5900,"dataMB":1024,"voiceMinutes":100,"smsCount":0,"bandwidthMbps":0,"sharedData":false,"maxLines":1,"benefits":[],"dataOverageFenPerGB":300,"voiceOverageFenPerMinute":15,"smsOverageFen":10,"active":true}"#

    static func packageCount(_ database: Database) async throws -> Int {
        try await Store(database: database).catalog.list(includeInactive: true).count
    }

    @Test(arguments: [
        ("malformed JSON", #"{"code":"NEW-1","#, 400),
        ("wrong type", Self.package.replacingOccurrences(of: #""monthlyFeeFen":5900"#, with: #""monthlyFeeFen":"5900""#), 400),
        ("unknown enum value", Self.package.replacingOccurrences(of: "mobile_5g", with: "mobile_6g"), 400),
        ("missing field", Self.package.replacingOccurrences(of: #""name":"新套餐","#, with: ""), 400),
        ("negative amount", Self.package.replacingOccurrences(of: "5900", with: "-1"), 422),
        ("absurd amount", Self.package.replacingOccurrences(of: "5900", with: "99999999999"), 422),
        ("fractional fen", Self.package.replacingOccurrences(of: "5900", with: "59.5"), 400),
        ("control characters", Self.package.replacingOccurrences(of: "新套餐", with: #"新\u0000套餐"#), 422),
    ] as [(String, String, Int)])
    func packageCreationRefuses(_ label: String, _ body: String, _ status: Int) async throws {
        try await TestApp.run { client, _, database in
            let admin = try await client.login("admin")
            let before = try await Self.packageCount(database)
            let result = try await client.json(.post, "/api/v1/admin/packages", token: admin, body: body)
            #expect(result.status.code == status, "\(label)")
            #expect(errorCode(result.json) != nil, "\(label): error body")
            #expect(try await Self.packageCount(database) == before, "\(label): nothing stored")
        }
    }

    @Test func validPackageIsStoredAndDuplicateConflicts() async throws {
        try await TestApp.run { client, _, database in
            let admin = try await client.login("admin")
            #expect(try await client.json(.post, "/api/v1/admin/packages", token: admin, body: Self.package).status == .created)
            #expect(try await Store(database: database).catalog.find(code: "NEW-1")?.monthlyFeeFen == 5900)
            #expect(try await client.json(.post, "/api/v1/admin/packages", token: admin, body: Self.package).status == .conflict)
        }
    }

    @Test func invalidUTF8IsRefused() async throws {
        try await TestApp.run { client, _, database in
            let admin = try await client.login("admin")
            let before = try await Self.packageCount(database)
            var bytes = Array(Self.package.utf8)
            let index = bytes.firstIndex(of: UInt8(ascii: "N"))!
            bytes[index] = 0xFF
            try await client.execute(
                uri: "/api/v1/admin/packages", method: .post,
                headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"], body: ByteBuffer(bytes: bytes)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("invalid_request"))
            }
            #expect(try await Self.packageCount(database) == before)
        }
    }

    @Test func oversizeBodyIsRefused() async throws {
        try await TestApp.run { client, _, database in
            let admin = try await client.login("admin")
            let before = try await Self.packageCount(database)
            let huge = Self.package.replacingOccurrences(of: "新套餐", with: String(repeating: "长", count: 600_000))
            let result = try await client.json(.post, "/api/v1/admin/packages", token: admin, body: huge)
            #expect(result.status == .contentTooLarge)
            #expect(errorCode(result.json) == "payload_too_large")
            #expect(try await Self.packageCount(database) == before)
        }
    }

    @Test func metacharactersAreStoredVerbatimAndQueriesStayBound() async throws {
        try await TestApp.run { client, _, database in
            let agent = try await client.login("agent1")
            let nasty = #"<script>alert(1)</script>'; DROP TABLE x;--"#
            let escaped = nasty.replacingOccurrences(of: "\"", with: "\\\"")
            let body = #"{"name":"\#(escaped)","idNumber":"11010519491231002X","contactPhone":"13711112222","city":"杭州","district":"西湖区","address":"\#(escaped)","tags":["<b>'%_;--"]}"#
            let created = try await client.json(.post, "/api/v1/customers", token: agent, body: body)
            #expect(created.status == .created)
            let id = try #require((created.json as? [String: Any])?["id"] as? String)
            let stored = try #require(try await Store(database: database).customers.find(id: id))
            #expect(stored.name == nasty && stored.address == nasty && stored.tags == ["<b>'%_;--"])
            let search = try await client.json(.get, "/api/v1/customers?q=%27%3B%20DROP%20TABLE%20customers%3B--", token: agent)
            #expect(search.status == .ok)
            #expect(try await Store(database: database).customers.find(id: "cus-100000") != nil)
        }
    }

    @Test func customerFieldsAreValidatedTogether() async throws {
        try await TestApp.run { client, _, database in
            let agent = try await client.login("agent1")
            let body = #"{"name":"","idNumber":"110105194912310021","contactPhone":"12345","city":"杭州","district":"西湖区","address":"某地","vipLevel":9}"#
            let result = try await client.json(.post, "/api/v1/customers", token: agent, body: body)
            #expect(result.status == .unprocessableContent)
            // Every problem at once, each named by its field for the form and said in Chinese without the key.
            let error = try #require(result.error)
            #expect(error.fieldNames == ["name", "idNumber", "contactPhone", "vipLevel"])
            #expect(error.message == "请填写姓名（1–50字）；身份证号码校验位错误；请填写11位手机号码；VIP 等级为 0–3")
            #expect(try await Store(database: database).customers.search(query: "12345", limit: 5, after: nil).isEmpty)
        }
    }

    @Test func queryParametersOutOfRangeAreRefused() async throws {
        try await TestApp.run { client, _, _ in
            let agent = try await client.login("agent1")
            #expect(try await client.json(.get, "/api/v1/customers?limit=abc", token: agent).status == .badRequest)
            let qa = try await client.login("qa")
            #expect(try await client.json(.get, "/api/v1/audit?since=yesterday", token: qa).status == .badRequest)
        }
    }

    @Test func unknownRoutesAnswerJSON404() async throws {
        try await TestApp.run { client, _, _ in
            let result = try await client.json(.get, "/api/v1/nothing-here")
            #expect(result.status == .notFound)
            #expect(errorCode(result.json) == "not_found")
        }
    }

    @Test func serverErrorsHideTheirCause() async throws {
        try await TestApp.run { client, _, database in
            await database.close()
            try await client.execute(uri: "/api/v1/packages", method: .get) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(text.contains("\"internal\""))
                #expect(!text.lowercased().contains("sqlite"))
            }
            let health = try await client.json(.get, "/health")
            #expect(health.status == .serviceUnavailable)
        }
    }
}

@Suite struct ClassifyAPITests {
    @Test func classifiesWithTheDocumentedShape() async throws {
        try await TestApp.run { client, _, _ in
            let agent = try await client.login("agent1")
            let result = try await client.json(.post, "/api/v1/bot/classify", token: agent, body: #"{"text":"上个月话费怎么扣了这么多，明细给我看看"}"#)
            #expect(result.status == .ok)
            let body = try #require(result.json as? [String: Any])
            #expect(body["intent"] as? String == "bill_query")
            #expect((body["confidence"] as? Double ?? 0) > 0)
            #expect((body["keywords"] as? [String])?.contains("话费") == true)
            #expect((body["alternatives"] as? [[String: Any]])?.count == 3)
            #expect(((body["entities"] as? [[String: Any]]) ?? []).contains { $0["kind"] as? String == "month" })
        }
    }

    @Test func refusesEmptyTooLongAndMalformed() async throws {
        try await TestApp.run { client, _, _ in
            let agent = try await client.login("agent1")
            #expect(try await client.json(.post, "/api/v1/bot/classify", token: agent, body: #"{"text":"   "}"#).status == .unprocessableContent)
            let long = String(repeating: "流", count: 10_000)
            #expect(try await client.json(.post, "/api/v1/bot/classify", token: agent, body: #"{"text":"\#(long)"}"#).status == .unprocessableContent)
            #expect(try await client.json(.post, "/api/v1/bot/classify", token: agent, body: #"{"text":"#).status == .badRequest)
            let emoji = try await client.json(.post, "/api/v1/bot/classify", token: agent, body: #"{"text":"😀😀😀"}"#)
            #expect(emoji.status == .ok)
            #expect(try await client.json(.post, "/api/v1/bot/classify", body: #"{"text":"你好"}"#).status == .unauthorized)
        }
    }
}
