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
            // One instruction and one way to answer per message, never two ways at once.
            let first = try await Self.botSays(customer, id, "f1", "家里宽带断网了，上不了网")
            #expect(first == SelfCheck.prompt(.losLight), "\(first)")
            let second = try await Self.botSays(customer, id, "f2", "不是，灯是绿的")
            #expect(second == SelfCheck.prompt(.restartModem), "\(second)")
            let third = try await Self.botSays(customer, id, "f3", "还是不行")
            #expect(third == SelfCheck.prompt(.restartRouter), "\(third)")
            for said in [first, second, third] { #expect(!said.contains("人工")) }
            #expect(try await Self.faultTickets(store, "cus-100000").isEmpty)
            let opened = try await Self.botSays(customer, id, "f4", "重启了也没用")
            #expect(opened.contains("已为您创建报修工单"), "\(opened)")
            let tickets = try await Self.faultTickets(store, "cus-100000")
            let ticket = try #require(tickets.first)
            #expect(tickets.count == 1 && ticket.type == .fault && ticket.conversationId == id && ticket.createdBy == "bot")
            #expect(ticket.service == .broadband && ticket.priority == .p1 && opened.contains(ticket.number))
            #expect(ticket.fields["symptom"]?.contains("断网") == true)
            #expect(ticket.fields["stepsTaken"]?.contains("已重启光猫和路由器") == true)
            let again = try await Self.botSays(customer, id, "f5", "宽带还是断网")
            #expect(again.contains("已有一张宽带报修工单") && again.contains(ticket.number), "\(again)")
            #expect(try await Self.faultTickets(store, "cus-100000").count == 1)
            await customer.close()
        }
    }

    @Test func aRedLosLightGoesStraightToATicketAndAFixedLineEndsTheCheck() async throws {
        try await TestApp.run(mode: .live) { client, sms, database in
            let store = Store(database: database)
            let (customer, id) = try await ChatTests.botChat(client, sms: sms, phone: "13800138000")
            _ = try await Self.botSays(customer, id, "r1", "网断了")
            let opened = try await Self.botSays(customer, id, "r2", "是的，一直红灯")
            #expect(opened.contains("已为您创建报修工单"), "\(opened)")
            let owner = try #require(try await store.customers.find(phone: "13800138000"))
            let ticket = try #require(try await Self.faultTickets(store, owner.id).first)
            #expect(ticket.fields["stepsTaken"]?.contains("LOS") == true)
            await customer.close()
        }
        try await TestApp.run(mode: .live) { client, sms, database in
            let (customer, id) = try await ChatTests.botChat(client, sms: sms, phone: "13800138000")
            _ = try await Self.botSays(customer, id, "g1", "宽带上不了网")
            #expect(try await Self.botSays(customer, id, "g2", "没有红灯") == SelfCheck.prompt(.restartModem))
            #expect(try await Self.botSays(customer, id, "g3", "好了，可以上网了") == SelfCheck.fixedReply)
            // Out of the check, a question is answered as any other.
            #expect(try await Self.botSays(customer, id, "g4", "帮我查一下话费账单").contains("账单合计"))
            // Anger in the middle of a check is not an answer to its step: it goes to a person.
            #expect(try await Self.botSays(customer, id, "g5", "宽带又断了") == SelfCheck.prompt(.losLight))
            customer.send(["type": "send", "conversationId": id, "clientId": "g6", "text": "还是断网！！！你们什么破服务"])
            try await customer.next("message") { ($0.message?["text"] as? String)?.contains("正在为您转接人工客服") == true }
            let owner = try #require(try await Store(database: database).customers.find(phone: "13800138000"))
            #expect(try await Self.faultTickets(Store(database: database), owner.id).isEmpty)
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
