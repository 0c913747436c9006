import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// The quality report over the API: a real chat, its survey, the figures by agent as JSON and CSV.
@Suite struct QualityReportTests {
    struct Report: Decodable {
        struct Row: Decodable {
            struct Chats: Decodable { let chats: Int; let taken: Int; let responded: Int; let shareWithin30s: Double?; let firstResponseBuckets: [String: Int] }
            struct Surveys: Decodable { let eligible: Int; let answered: Int; let csat: Double?; let responseRate: Double? }
            let key: String; let label: String; let chats: Chats; let surveys: Surveys
        }
        let by: String?; let total: Row; let rows: [Row]
    }

    @Test func aChatAndItsSurveyShowUpByAgentAsJSONAndCSV() async throws {
        try await TestApp.run(mode: .live) { client, sms, _ in
            let pair = try await SurveyTests.answeredAndEnded(client, sms: sms)
            pair.customer.send(["type": "rate", "conversationId": pair.conversationId, "score": 5, "ref": "r"])
            try await pair.customer.next("rated")

            let iso = ISO8601DateFormatter()
            let period = "from=\(iso.string(from: Date().addingTimeInterval(-3600)))&to=\(iso.string(from: Date().addingTimeInterval(3600)))"
            let qa = try await client.login("qa")
            let report = try await client.json(.get, "/api/v1/quality/report?\(period)&by=agent", token: qa).decoded(Report.self)
            let row = try #require(report.rows.first { $0.key == "staff-agent1" })
            #expect(report.by == "agent" && row.label == "K3001 张小雨")
            #expect(row.chats.chats == 1 && row.chats.taken == 1 && row.chats.responded == 1)
            #expect(row.chats.shareWithin30s == 1 && row.chats.firstResponseBuckets["upTo15"] == 1)
            #expect(row.surveys.eligible == 1 && row.surveys.answered == 1 && row.surveys.csat == 1 && row.surveys.responseRate == 1)
            #expect(report.total.chats.chats == report.rows.map(\.chats.chats).reduce(0, +))

            let csv = try await client.json(.get, "/api/v1/quality/report?\(period)&by=agent&format=csv", token: qa)
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = String(decoding: csv.data, as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("\u{FEFF}分组,会话数"))
            #expect(lines.contains { $0.hasPrefix("K3001 张小雨,1,0,1,1,0,0,") })
            #expect(lines.contains { $0.hasPrefix("合计,") })

            // Who may, and what is refused.
            #expect(try await client.json(.get, "/api/v1/quality/report?\(period)", token: try await client.login("agent2")).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/quality/report?\(period)&by=weather", token: qa).status == .badRequest)
            let reversed = "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"
            #expect(try await client.json(.get, "/api/v1/quality/report?\(reversed)", token: qa).error?.code == "invalid_period")
            await pair.customer.close()
            await pair.agent.close()
        }
    }
}
