import Foundation
import HTTPTypes
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Testing

/// The bot's fault self-check in a real chat: the modem-light steps, then a ticket it opens itself; a
/// known outage in the district told instead; never a second ticket for the same fault.
@Suite struct BotFaultTests {
    static func botSays(_ customer: ChatTestClient, _ id: String, _ clientId: String, _ text: String) async throws -> String {
        customer.send(["type": "send", "conversationId": id, "clientId": clientId, "text": text])
        let answer = try await customer.next("message") { $0.message?["sender"] as? String == "bot" }
        return answer.message?["text"] as? String ?? ""
    }

    static func faultTickets(_ store: Store, _ customer: String) async throws -> [Ticket] {
        var filter = TicketRepository.Filter()
        filter.customerId = customer
        return try await store.tickets.list(filter)
    }

    @Test func selfCheckThenTicketThenNoDuplicate() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let store = Store(database: database)
            let (customer, id) = try await ChatTests.botChat(client, sms: sms)
            let steps = try await Self.botSays(customer, id, "f1", "家里宽带断网了，上不了网")
            #expect(steps.contains("光猫") && steps.contains("还是不行"))
            #expect(try await Self.faultTickets(store, "cus-100000").isEmpty)
            let opened = try await Self.botSays(customer, id, "f2", "还是不行，LOS灯一直红")
            #expect(opened.contains("已为您创建报修工单"), "\(opened)")
            let tickets = try await Self.faultTickets(store, "cus-100000")
            let ticket = try #require(tickets.first)
            #expect(tickets.count == 1 && ticket.type == .fault && ticket.conversationId == id && ticket.createdBy == "bot")
            #expect(ticket.service == .broadband && ticket.priority == .p1 && opened.contains(ticket.number))
            #expect(ticket.fields["symptom"]?.contains("断网") == true)
            let again = try await Self.botSays(customer, id, "f3", "宽带还是断网")
            #expect(again.contains("已有一张宽带报修工单") && again.contains(ticket.number), "\(again)")
            #expect(try await Self.faultTickets(store, "cus-100000").count == 1)
            await customer.close()
        }
    }

    @Test func aKnownOutageIsToldInsteadOfATicket() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let store = Store(database: database)
            let district = try #require(try await store.customers.find(id: "cus-100000")).district
            let now = Date()
            _ = try await store.tickets.declareOutage(
                Outage(id: "out-t", city: "", district: district, service: .broadband, title: "光缆抢修", status: .active, source: .declared,
                       startedAt: now, eta: now.addingTimeInterval(7200), resolvedAt: nil, createdBy: "admin"),
                now: now, audit: AuditEntry(id: "a1", at: now, actorKind: "staff", actorId: "admin", action: "outage.declare", targetType: "outage", targetId: "out-t")
            )
            let (customer, id) = try await ChatTests.botChat(client, sms: sms)
            let told = try await Self.botSays(customer, id, "o1", "宽带断网了")
            #expect(told.contains("区域性故障抢修") && told.contains("光缆抢修") && told.contains("预计"), "\(told)")
            let again = try await Self.botSays(customer, id, "o2", "还是不行")
            #expect(again.contains("区域性故障抢修"))
            #expect(try await Self.faultTickets(store, "cus-100000").isEmpty)
            await customer.close()
        }
    }
}
