import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// 数据反馈 over the API: the indexer job reads customers' messages as they settle, the report gives the
/// week's words against the week before with masked samples, CSV is safe to open, and who may ask and
/// bad periods are refused by name.
@Suite struct HotTopicsTests {
    struct Share: Decodable { let value: String; let label: String; let count: Int }
    struct Sample: Decodable { let source: String; let contactId: String; let text: String }
    struct Topic: Decodable { let keyword: String; let count: Int; let previous: Int; let ratio: Double?; let intents: [Share]; let samples: [Sample] }
    struct Report: Decodable { let from: String; let previousFrom: String; let frequent: [Topic]; let rising: [Topic] }

    @Test func theWeeksWordsAgainstTheWeekBefore() async throws {
        let start = CalendarDate(iso: "2026-11-27")!.date.addingTimeInterval(10 * 3600)
        let clock = TestClock(start)
        try await TestApp.run(mode: .live, clock: clock) { client, _, database in
            let store = Store(database: database)
            func chat(_ id: String, days: Double, _ texts: [String]) async throws {
                let at = start.addingTimeInterval(days * 86_400)
                _ = try await store.chat.create(
                    Conversation(id: id, customerId: "cus-100000", visitorName: "客", state: .bot, skill: .mobile, vip: false, createdAt: at), greeting: "您好"
                )
                for (n, text) in texts.enumerated() {
                    _ = try await store.chat.append(conversationId: id, sender: .customer, senderId: "cus-100000", clientId: nil, text: text, now: at.addingTimeInterval(Double(n)))
                }
            }
            // The week before: 信号差 once. This week: 信号差 in six chats (one with the caller's number), 发票 once.
            try await chat("old-1", days: -7, ["手机信号差"])
            for n in 1...6 { try await chat("new-\(n)", days: Double(n) / 10, [n == 1 ? "我的号码13800138000信号差" : "小区里手机信号差，打不出去"]) }
            try await chat("new-7", days: 1, ["要开电子发票"])
            clock.advance(by: 2 * 86_400)

            let lead = try await client.login("lead")
            let path = "/api/v1/quality/hot-topics?from=2026-11-27&to=2026-12-03"
            #expect(try await eventually {
                try await client.json(.get, path, token: lead).decoded(Report.self).frequent.first?.keyword == "信号差"
            })
            let r = try await client.json(.get, path, token: lead).decoded(Report.self)
            #expect(r.previousFrom == "2026-11-20")
            let signal = try #require(r.frequent.first { $0.keyword == "信号差" })
            #expect(signal.count == 6 && signal.previous == 1 && signal.ratio == 6)
            #expect(signal.intents.first?.value == "mobile_signal")
            // The same words said again are one sample; the number is masked for staff.
            #expect(signal.samples.count == 2 && signal.samples.allSatisfy { $0.source == "chat" })
            #expect(signal.samples.contains { $0.text.contains("138****8000") } && !signal.samples.contains { $0.text.contains("13800138000") })
            #expect(r.rising.map(\.keyword).contains("信号差") && !r.rising.contains { $0.keyword == "发票" })

            let csv = try await client.json(.get, path + "&format=csv", token: lead)
            let text = String(decoding: csv.data, as: UTF8.self)
            #expect(csv.status == .ok && text.contains("高频,信号差,6,1,增加 500%") && text.contains("上升,信号差"))

            // Filters, and refusals by name.
            let tickets = try await client.json(.get, path + "&source=ticket", token: lead).decoded(Report.self)
            #expect(tickets.frequent.isEmpty)
            let qa = try await client.login("qa")
            let signalOnly = try await client.json(.get, path + "&intent=mobile_signal", token: qa).decoded(Report.self)
            #expect(signalOnly.frequent.map(\.keyword).first == "信号差" && !signalOnly.frequent.contains { $0.keyword == "发票" })
            #expect(try await client.json(.get, path, token: try await client.login("agent1")).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/quality/hot-topics?from=2026-12-03&to=2026-11-27", token: lead).error?.code == "invalid_period")
            #expect(try await client.json(.get, "/api/v1/quality/hot-topics?from=2025-01-01&to=2026-11-27", token: lead).error?.code == "period_too_long")
            #expect(try await client.json(.get, "/api/v1/quality/hot-topics?from=27/11/2026&to=2026-11-27", token: lead).error?.code == "invalid_date")
            #expect(try await client.json(.get, path + "&intent=weather", token: lead).error?.code == "invalid_intent")
        }
    }
}
