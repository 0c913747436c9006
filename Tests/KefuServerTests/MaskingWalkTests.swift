import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// Walks every GET of the API (read from `openapi.yaml`) as each staff role, after a customer has
/// written personal numbers into a chat and a ticket, and looks in every answer for a personal value in
/// full: a customer's name, ID number or phone number, or anything shaped like a mobile or ID number.
@Suite struct MaskingWalkTests {
    static let typedPhone = "13912345678"
    static let typedID = "110101199003074518"

    /// The GET paths of the contract, as written there.
    static func getPaths(_ yaml: String) -> [String] {
        var paths: [String] = []
        var current: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") { current = String(line.dropFirst(2).dropLast()) }
            if line == "    get:", let current { paths.append(current) }
            if !line.hasPrefix(" "), !line.isEmpty, line != "paths:" { current = nil }
        }
        return paths
    }

    /// Full personal values anywhere in `text`, and anything shaped like one.
    static func leaks(in text: String, known: [String]) -> [String] {
        var found = known.filter { text.contains($0) }
        // Random ids (conv-<uuid>, bill-<hex>) are not personal data, but one in a few thousand has eleven
        // digits in a row that look like a phone number: read the text without them.
        let ids = try! NSRegularExpression(pattern: #"[a-z]+-[0-9a-fA-F][0-9a-fA-F-]{7,}"#)
        let plain = ids.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "ID")
        let patterns = [#"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"#, #"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"#]
        for pattern in patterns {
            let regex = try! NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: plain, range: NSRange(plain.startIndex..., in: plain)) {
                found.append(String(plain[Range(match.range, in: plain)!]))
            }
        }
        return Array(Set(found)).sorted()
    }

    @Test func noStaffAnswerCarriesAPersonalValueInFull() async throws {
        try await TestApp.run { client, sms, database in
            let store = Store(database: database)
            let customers = try await store.customers.search(query: nil, limit: 1000, after: nil)
            var known = [Self.typedPhone, Self.typedID]
            for c in customers {
                known += [c.idNumber, c.contactPhone] + (c.name.count >= 2 ? [c.name] : [])
                for sub in try await store.customers.view360(id: c.id)?.subscriptions ?? [] where sub.kind == .mobile { known.append(sub.number) }
            }
            // A customer writes personal numbers into a chat and into a ticket; the chat becomes a draft.
            let conversationId = try await ChatAPITests.seedConversation(database)
            _ = try await store.chat.append(
                conversationId: conversationId, sender: .customer, senderId: "cus-100000", clientId: "p",
                text: "宽带还是断网，我身份证\(Self.typedID)，有事打\(Self.typedPhone)", now: Date()
            )
            let customer = try await client.customerLogin("13800138000", sms: sms)
            let line = try await TicketAPITests.broadband(database, "cus-100000")
            let ticket = try await client.json(
                .post, "/api/v1/tickets", token: customer,
                body: #"{"type":"fault","title":"断网，回电\#(Self.typedPhone)","subscriptionId":"\#(line)","fields":{"symptom":"光猫红灯，联系\#(Self.typedPhone)","stepsTaken":"身份证\#(Self.typedID)","resolutionStatus":"未解决"}}"#
            )
            #expect(ticket.status == .created)
            let ticketId = try #require(((ticket.json as? [String: Any])?["ticket"] as? [String: Any])?["id"] as? String)
            let admin = try await client.login("admin")
            _ = try await client.json(.post, "/api/v1/webhooks", token: admin, body: #"{"url":"http://127.0.0.1:1/hook","events":["*"]}"#)
            _ = try await client.json(
                .post, "/api/v1/tickets/\(ticketId)/actions", token: admin,
                body: #"{"action":"comment","text":"客户留的电话 \#(Self.typedPhone)","internal":false}"#
            )
            let webhookId = try #require((try await client.json(.get, "/api/v1/webhooks", token: admin).json as? [[String: Any]])?.first?["id"] as? String)
            let bill = try #require(try await store.customers.view360(id: "cus-100000")?.bills.first?.id)
            // A 1 with the typed numbers in its comment opens a review, whose words are the customer's.
            #expect(try await store.surveys.record(SurveyResponse(
                id: Store.newID("svy"), contactKind: .chat, contactId: conversationId, ownerId: "cus-100000", agentId: "staff-agent1",
                skill: .mobile, endedAt: Date(), answeredAt: Date(),
                answer: .service(csat: 1, nps: nil, reason: .other, comment: "打\(Self.typedPhone)，身份证\(Self.typedID)")
            )))
            let reviewId = try #require(try await store.reviews.list(.init()).first?.id)
            let ids = [
                "customerId": "cus-100000", "billId": bill, "conversationId": conversationId, "ticketId": ticketId, "webhookId": webhookId,
                "reviewId": reviewId,
            ]
            var targets: [String] = []
            let iso = ISO8601DateFormatter()
            let contract = String(decoding: try await client.json(.get, "/openapi.yaml").data, as: UTF8.self)
            // The bot's training phrases are the project's written examples ("给13800138000充值"), no one's
            // data; the demo opens no account, so there is no agreement to read.
            for path in Self.getPaths(contract) where !path.contains("{agreementId}") && path != "/api/v1/bot/training-phrases" {
                var uri = path
                for (name, value) in ids { uri = uri.replacingOccurrences(of: "{\(name)}", with: value) }
                #expect(!uri.contains("{"), "a path parameter the walk does not know: \(uri)")
                targets.append(uri)
            }
            targets += [
                "/api/v1/tickets/draft?conversationId=\(conversationId)", "/api/v1/transcripts/\(conversationId)?format=text",
                "/api/v1/transcripts?phone=13800138000", "/api/v1/audit?limit=500", "/api/v1/reviews?tab=all",
                "/api/v1/quality/survey-responses?from=\(iso.string(from: Date().addingTimeInterval(-86_400)))&to=\(iso.string(from: Date().addingTimeInterval(86_400)))",
            ]
            var walked = 0
            for role in ["admin", "lead", "agent1", "qa"] {
                let token = try await client.login(role)
                for uri in targets {
                    let answer = try await client.json(.get, uri, token: token)
                    guard answer.status == .ok else { continue }
                    walked += 1
                    let body = String(decoding: answer.data, as: UTF8.self)
                    let leaked = Self.leaks(in: body, known: known)
                    #expect(leaked.isEmpty, "\(role) GET \(uri) carries \(leaked)")
                }
            }
            #expect(walked > 60, "the walk read \(walked) answers")
        }
    }
}
