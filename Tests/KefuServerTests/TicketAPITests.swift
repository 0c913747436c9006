import Crypto
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

@Suite struct TicketAPITests {
    /// The answers of the ticket API, in the API's own types.
    struct Opened: Decodable { let ticket: Ticket; let incident: Outage? }
    struct Detail: Decodable { let ticket: Ticket; let events: [TicketEvent]; let outage: Outage? }
    struct Template: Decodable { let type: TicketType; let label: String }
    struct Prefill: Decodable { let type: TicketType; let intent: Intent?; let subscriptionId: String?; let fields: [String: String] }

    static let faultFields = #"{"symptom":"光猫LOS灯红","stepsTaken":"重启过光猫","resolutionStatus":"未解决"}"#

    static func broadband(_ database: Database, _ customer: String) async throws -> String {
        try #require(try await Store(database: database).customers.view360(id: customer)?.subscriptions.first { $0.kind == .broadband }?.id)
    }

    static func ticketCount(_ database: Database) async throws -> Int {
        var filter = TicketRepository.Filter()
        filter.limit = 500
        return try await Store(database: database).tickets.list(filter).count
    }

    @Test func customerOpensAFaultAndClosesTheLoop() async throws {
        try await TestApp.run { client, sms, database in
            let customer = try await client.customerLogin("13800138000", sms: sms)
            let line = try await Self.broadband(database, "cus-100000")
            let templates = try await client.json(.get, "/api/v1/ticket-templates", token: customer)
            #expect(try templates.decoded([Template].self).map(\.type) == TicketType.allCases)

            // Bad input: each refused with its reason, nothing stored.
            let missing = try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"断网","fields":{"symptom":"红灯"}}"#)
            #expect(missing.status == .unprocessableContent)
            // What the customer left out, by field; 处理状态 is the agent's to fill, never asked of a customer.
            #expect(missing.error?.fieldNames == ["fields.stepsTaken"])
            #expect(try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"praise","title":"x","fields":{}}"#).status == .badRequest)
            let otherLine = try #require(try await Store(database: database).customers.view360(id: "cus-100001")?.subscriptions.first?.id)
            let foreign = try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"断网","subscriptionId":"\#(otherLine)","fields":\#(Self.faultFields)}"#)
            #expect(foreign.status == .unprocessableContent)
            #expect(try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"断网","customerId":"cus-100001","fields":\#(Self.faultFields)}"#).status == .forbidden)
            #expect(try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"断网","priorityOverride":"p0","overrideReason":"急","fields":\#(Self.faultFields)}"#).status == .forbidden)
            // Intents are the ids of shared/intents.md.
            let unknownIntent = try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"断网","intent":"weather","fields":\#(Self.faultFields)}"#)
            #expect(unknownIntent.status == .unprocessableContent)
            #expect(try await Self.ticketCount(database) == 0)

            // The customer says what they saw and tried; the agent's 处理状态 starts as the centre's default.
            let customerFields = #"{"symptom":"光猫LOS灯红","stepsTaken":"重启过光猫"}"#
            let created = try await client.json(.post, "/api/v1/tickets", token: customer, body: #"{"type":"fault","title":"家里宽带断网","subscriptionId":"\#(line)","serviceDown":true,"fields":\#(customerFields)}"#)
            #expect(created.status == .created)
            let ticket = try created.decoded(Opened.self).ticket
            #expect(ticket.fields["resolutionStatus"] == TicketField.customerDefault)
            let id = ticket.id
            #expect(ticket.priority == .p1 && ticket.status == .new && ticket.deviceId != nil && ticket.service == .broadband)

            let agent = try await client.login("agent2")
            let open = try await client.json(.get, "/api/v1/tickets?status=open&group=broadband", token: agent)
            #expect(try open.decoded([Ticket].self).contains { $0.id == id })
            func act(_ token: String, _ body: String) async throws -> APIAnswer {
                try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: token, body: body)
            }
            func status(_ token: String, _ body: String) async throws -> TicketStatus? {
                try await act(token, body).decoded(Ticket.self).status
            }
            #expect(try await act(agent, #"{"action":"start"}"#).status == .conflict)
            #expect(try await status(agent, #"{"action":"assign"}"#) == .assigned)
            #expect(try await status(agent, #"{"action":"start"}"#) == .inProgress)
            #expect(try await act(agent, #"{"action":"comment","text":"线路侧已派单排查","internal":true}"#).status == .ok)
            #expect(try await status(agent, #"{"action":"wait","text":"请客户告知方便上门的时间"}"#) == .waitingCustomer)
            // Customers may not work the ticket, only answer, confirm or reopen it.
            #expect(try await act(customer, #"{"action":"resolve"}"#).status == .forbidden)
            // The customer's answer starts the clock again.
            #expect(try await status(customer, #"{"action":"comment","text":"明天上午在家"}"#) == .inProgress)
            #expect(try await status(agent, #"{"action":"resolve","text":"更换分光器端口"}"#) == .resolved)
            #expect(try await status(customer, #"{"action":"confirm"}"#) == .closed)
            let refused = try await act(agent, #"{"action":"start"}"#)
            #expect(refused.status == .conflict && refused.error?.code == "invalid_transition")
            #expect(try await act(customer, #"{"action":"reopen"}"#).status == .unprocessableContent)
            #expect(try await status(customer, #"{"action":"reopen","reason":"又断了"}"#) == .assigned)

            // The customer's view leaves out internal lines; staff see them.
            let events = try await client.json(.get, "/api/v1/tickets/\(id)", token: customer).decoded(Detail.self).events
            #expect(!events.contains(where: \.isInternal) && events.contains { $0.text == "明天上午在家" })
            let staffView = try await client.json(.get, "/api/v1/tickets/\(id)", token: agent).decoded(Detail.self)
            #expect(staffView.events.contains { $0.text == "线路侧已派单排查" && $0.isInternal })
            // Another customer learns nothing about it.
            let other = try await client.customerLogin("18600186002", sms: sms)
            #expect(try await client.json(.get, "/api/v1/tickets/\(id)", token: other).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/tickets", token: other).decoded([Ticket].self).isEmpty)
        }
    }

    @Test func staffOverrideNeedsAReasonAndRolesAreChecked() async throws {
        try await TestApp.run { client, sms, database in
            let agent = try await client.login("agent1")
            let body = #"{"type":"complaint","title":"营业厅态度差","customerId":"cus-100002","fields":{"subject":"服务态度","details":"营业员不耐烦","expectedOutcome":"道歉"},"priorityOverride":"p0""#
            let noReason = try await client.json(.post, "/api/v1/tickets", token: agent, body: body + "}")
            #expect(noReason.status == .unprocessableContent)
            #expect(try await Self.ticketCount(database) == 0)
            let withReason = try await client.json(.post, "/api/v1/tickets", token: agent, body: body + #","overrideReason":"媒体关注"}"#)
            let ticket = try withReason.decoded(Opened.self).ticket
            #expect(ticket.priority == .p0 && ticket.priorityOverridden && ticket.priorityReason == "媒体关注")
            let id = ticket.id
            // Without a customer, staff get told which field is missing.
            let noCustomer = try await client.json(.post, "/api/v1/tickets", token: agent, body: #"{"type":"business_request","title":"x","fields":{"requestType":"a","details":"b"}}"#)
            #expect(noCustomer.status == .unprocessableContent)
            let qa = try await client.login("qa")
            #expect(try await client.json(.post, "/api/v1/tickets", token: qa, body: body + #","overrideReason":"x"}"#).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/tickets", token: qa).status == .ok)
            #expect(try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: qa, body: #"{"action":"assign"}"#).status == .forbidden)
            // Giving a ticket to someone else is the team lead's.
            #expect(try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: agent, body: #"{"action":"assign","assigneeId":"staff-agent2"}"#).status == .forbidden)
            let lead = try await client.login("lead")
            #expect(try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: lead, body: #"{"action":"assign","assigneeId":"staff-agent2"}"#).status == .ok)
            #expect(try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: lead, body: #"{"action":"transfer","group":"mobile"}"#).status == .unprocessableContent)
            // Skill groups are the five of the centre: another is named in the error, as a filter too.
            let nowhere = try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: lead, body: #"{"action":"transfer","group":"nowhere","reason":"x"}"#)
            #expect(nowhere.status == .unprocessableContent && nowhere.error?.message == "未知的技能组 nowhere" && nowhere.error?.fieldNames == ["group"])
            #expect(try await client.json(.get, "/api/v1/tickets?group=nowhere", token: lead).status == .unprocessableContent)
            #expect(try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: lead, body: #"{"action":"escalate","reason":"客户要求主管回电"}"#).status == .ok)
            // The new assignee hears of it at once.
            let notes = try await Store(database: database).tickets.notifications(recipientId: "staff-agent2")
            #expect(notes.contains { $0.kind == "assigned" && $0.ticketId == id })
            #expect(try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: lead, body: #"{"action":"fly"}"#).status == .badRequest)
            // Every field sent keeps its contract length, even one the action does not read; nothing changes.
            let long = String(repeating: "组", count: 33)
            let overlong = try await client.json(.post, "/api/v1/tickets/\(id)/actions", token: lead, body: #"{"action":"comment","text":"好","group":"\#(long)"}"#)
            #expect(overlong.status == .unprocessableContent && overlong.error?.fieldNames == ["group"])
            #expect(try await client.json(.get, "/api/v1/tickets/\(id)", token: lead).decoded(Detail.self).events.filter { $0.kind.rawValue == "comment" }.isEmpty)
            // Outages are for leads and admins.
            #expect(try await client.json(.post, "/api/v1/outages", token: agent, body: #"{"district":"西湖区","service":"broadband","title":"x"}"#).status == .forbidden)
            #expect(try await client.json(.post, "/api/v1/outages", token: lead, body: #"{"district":"西湖区","service":"broadband","title":" "}"#).status == .unprocessableContent)
            #expect(try await client.json(.post, "/api/v1/outages", token: lead, body: #"{"district":"西湖区","service":"gas","title":"x"}"#).status == .badRequest)
            // Instants as browsers write them (toISOString, with milliseconds) are read, and written back
            // without the fraction, as every date the API sends.
            let eta = Date(timeIntervalSinceNow: 7200)
            let withMilliseconds = eta.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let declared = try await client.json(.post, "/api/v1/outages", token: lead, body: #"{"district":"西湖区","service":"broadband","title":"光缆抢修","eta":"\#(withMilliseconds)"}"#)
            #expect(declared.status == .created, "\(String(decoding: declared.data, as: UTF8.self))")
            let etaWritten = ((declared.json as? [String: Any])?["eta"] as? String) ?? ""
            let etaRead = try #require(try declared.decoded(Outage.self).eta)
            #expect(etaWritten == eta.formatted(.iso8601) && abs(etaRead.timeIntervalSince(eta)) < 1)
            #expect(try await client.json(.get, "/api/v1/transcripts?since=2026-11-01T00:00:00.000Z", token: lead).status == .ok)
            #expect(try await client.json(.get, "/api/v1/transcripts?since=yesterday", token: lead).status == .badRequest)
        }
    }

    @Test func draftFromAChatCarriesTheConversation() async throws {
        try await TestApp.run { client, sms, database in
            let store = Store(database: database)
            let conversation = Conversation(id: "conv-t1", customerId: "cus-100000", visitorName: "客户", state: .assigned, skill: .broadband, vip: true, agentId: "staff-agent2", createdAt: Date())
            _ = try await store.chat.create(conversation, greeting: "您好")
            for text in ["你好", "家里宽带断网了，光猫红灯一直亮", "重启了也不行"] {
                _ = try await store.chat.append(conversationId: "conv-t1", sender: .customer, senderId: "cus-100000", clientId: nil, text: text, now: Date())
            }
            let agent = try await client.login("agent2")
            let draft = try await client.json(.get, "/api/v1/tickets/draft?conversationId=conv-t1", token: agent)
            let prefill = try draft.decoded(Prefill.self)
            #expect(prefill.type == .fault && prefill.intent == .broadbandFault)
            #expect(prefill.subscriptionId == (try await Self.broadband(database, "cus-100000")))
            #expect((prefill.fields["symptom"] ?? "").contains("光猫红灯"))
            #expect(try await client.json(.get, "/api/v1/tickets/draft?conversationId=nope", token: agent).status == .notFound)
            // Only those who took part in the chat (or read transcripts) may draft from it.
            let stranger = try await client.login("agent1")
            #expect(try await client.json(.get, "/api/v1/tickets/draft?conversationId=conv-t1", token: stranger).status == .notFound)
        }
    }

    /// Every id in a request is checked against the caller, not only the customer: a ticket cannot point
    /// at another customer's chat, nor at a chat the agent never saw. Nothing is stored when refused.
    @Test func aTicketNamesOnlyAChatTheCallerMayRead() async throws {
        try await TestApp.run { client, sms, database in
            let store = Store(database: database)
            let theirs = Conversation(id: "conv-b", customerId: "cus-100001", visitorName: "客户", state: .assigned, skill: .broadband, vip: false, agentId: "staff-agent2", createdAt: Date())
            let mine = Conversation(id: "conv-a", customerId: "cus-100000", visitorName: "客户", state: .assigned, skill: .broadband, vip: true, agentId: "staff-agent2", createdAt: Date())
            for c in [theirs, mine] { _ = try await store.chat.create(c, greeting: "您好") }
            func open(_ token: String, customer: String? = nil, conversation: String) async throws -> (HTTPResponse.Status, String?) {
                let customerField = customer.map { #""customerId":"\#($0)","# } ?? ""
                let result = try await client.json(
                    .post, "/api/v1/tickets", token: token,
                    body: #"{\#(customerField)"type":"fault","title":"断网","conversationId":"\#(conversation)","fields":\#(Self.faultFields)}"#
                )
                return (result.status, result.error?.fieldNames.joined(separator: ","))
            }
            let customer = try await client.customerLogin("13800138000", sms: sms)
            let foreign = try await open(customer, conversation: "conv-b")
            #expect(foreign.0 == .unprocessableContent && foreign.1?.contains("conversationId") == true)
            #expect(try await open(customer, conversation: "nope").0 == .unprocessableContent)
            // agent1 holds neither chat and reads no transcripts; agent2 holds conv-a but it is not cus-100001's.
            #expect(try await open(try await client.login("agent1"), customer: "cus-100000", conversation: "conv-a").0 == .unprocessableContent)
            let agent2 = try await client.login("agent2")
            #expect(try await open(agent2, customer: "cus-100001", conversation: "conv-a").0 == .unprocessableContent)
            #expect(try await Self.ticketCount(database) == 0)

            #expect(try await open(customer, conversation: "conv-a").0 == .created)
            #expect(try await open(agent2, customer: "cus-100001", conversation: "conv-b").0 == .created)
            #expect(try await Self.ticketCount(database) == 2)
        }
    }

    @Test func slaBreachFiresFromTheSchedulerWithTheClock() async throws {
        var config = TestApp.config
        config.tickets.timerInterval = .milliseconds(50)
        let clock = TestClock()
        try await TestApp.run(config: config, clock: clock) { client, sms, database in
            let agent = try await client.login("agent2")
            let created = try await client.json(.post, "/api/v1/tickets", token: agent, body: #"{"type":"fault","title":"断网","customerId":"cus-100002","fields":\#(Self.faultFields)}"#)
            let id = try created.decoded(Opened.self).ticket.id
            clock.advance(by: 4 * 3600 + 1)
            let store = Store(database: database)
            #expect(try await eventually { try await store.tickets.events(ticketId: id, includeInternal: true).contains { $0.kind == .slaBreach } })
            let lead = try await client.login("lead")
            let notes = try await client.json(.get, "/api/v1/notifications", token: lead)
            #expect(try notes.decoded([StaffNotification].self).contains { $0.ticketId == id && $0.kind == "sla_breach" })
            #expect(try await client.json(.get, "/api/v1/tickets?breached=true", token: lead).decoded([Ticket].self).map(\.id) == [id])
        }
    }

    final class Receiver: Sendable {
        struct Call: Sendable {
            let headers: HTTPFields
            let body: String
        }
        let calls = Mutex<[Call]>([])
    }

    @Test func webhooksAreSignedRetriedAndLogged() async throws {
        let receiver = Receiver()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let count = receiver.calls.withLock { calls in
                calls.append(.init(headers: request.headers, body: body))
                return calls.count
            }
            return Response(status: count == 1 ? .internalServerError : .noContent)
        }
        let hooks = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await hooks.test(.live) { hookClient in
            var config = TestApp.config
            config.tickets.webhookInterval = .milliseconds(50)
            config.tickets.webhookBackoff = 0.2
            try await TestApp.run(config: config) { client, sms, database in
                let admin = try await client.login("admin")
                #expect(try await client.json(.post, "/api/v1/webhooks", token: admin, body: #"{"url":"ftp://x","events":["ticket.created"]}"#).status == .unprocessableContent)
                #expect(try await client.json(.post, "/api/v1/webhooks", token: admin, body: #"{"url":"http://127.0.0.1:1/x","events":["ticket.nope"]}"#).status == .unprocessableContent)
                let agent = try await client.login("agent1")
                #expect(try await client.json(.post, "/api/v1/webhooks", token: agent, body: #"{"url":"http://127.0.0.1:1/x","events":["*"]}"#).status == .forbidden)
                let created = try await client.json(.post, "/api/v1/webhooks", token: admin, body: #"{"url":"http://127.0.0.1:\#(hookClient.port!)/hook","events":["ticket.created"]}"#)
                let subscription = try created.decoded(WebhookSubscription.self)
                let secret = try #require(subscription.secret)
                let hookId = subscription.id
                #expect(try await client.json(.get, "/api/v1/webhooks", token: admin).decoded([WebhookSubscription].self).first?.secret == nil)

                let ticket = try await client.json(.post, "/api/v1/tickets", token: agent, body: #"{"type":"fault","title":"断网","customerId":"cus-100002","fields":\#(Self.faultFields)}"#)
                let ticketId = try ticket.decoded(Opened.self).ticket.id
                #expect(try await eventually { receiver.calls.withLock { $0.count } >= 2 })
                let calls = receiver.calls.withLock { $0 }
                #expect(calls.count == 2)
                for call in calls {
                    let timestamp = try #require(call.headers[HTTPField.Name("X-Kefu-Timestamp")!])
                    let signature = try #require(call.headers[HTTPField.Name("X-Kefu-Signature")!])
                    let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(call.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                    #expect(signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                    #expect(call.headers[HTTPField.Name("X-Kefu-Event")!] == "ticket.created")
                    #expect(call.body.contains(ticketId) && !call.body.contains("LOS"))
                }
                #expect(calls[0].headers[HTTPField.Name("X-Kefu-Delivery")!] == calls[1].headers[HTTPField.Name("X-Kefu-Delivery")!])
                #expect(try await eventually {
                    let log = try await client.json(.get, "/api/v1/webhooks/\(hookId)/deliveries", token: admin).decoded([WebhookRepository.Delivery].self)
                    return log.first?.status == "delivered" && log.first?.attempts == 2
                })
            }
        }
    }
}
