import Foundation
import KefuCore
import SQLKit

/// The figures of the quality reports, summed by the database per group (docs/metrics.md defines each):
/// a report over a month reads counts, never a month of rows.
public struct QualityRepository: Sendable {
    let database: Database

    /// Every figure set of a report, read side by side on the store's readers: the three queries each
    /// scan their own table, so together they take about as long as the slowest.
    public func figures(
        _ period: ReportPeriod, by dimension: QualityDimension?, now: Date
    ) async throws -> (chats: [String: ChatFigures], surveys: [String: SurveyFigures], tickets: [String: TicketFigures]) {
        async let chats = chatFigures(period, by: dimension)
        async let surveys = surveyFigures(period, by: dimension, now: now)
        async let tickets = ticketFigures(period, by: dimension, now: now)
        return try await (chats, surveys, tickets)
    }

    /// Chat figures of the chats started in `period`, by `dimension` (nil: one group, keyed "").
    public func chatFigures(_ period: ReportPeriod, by dimension: QualityDimension?) async throws -> [String: ChatFigures] {
        let sql = SQLDialectTimes(database.dialect)
        let c = "c"
        let queuedAt = sql.epoch("\(c).first_queued_at"), takenAt = sql.epoch("\(c).first_assigned_at")
        let reasons = HandoverReason.allCases.map(\.rawValue)
        let handoverColumns = reasons.enumerated().map { n, r in
            "CASE WHEN \(c).handover_reason = '\(r)' THEN 1 ELSE 0 END AS h\(n)"
        }.joined(separator: ", ")
        let handoverSums = (0..<reasons.count).map { "SUM(h\($0)) AS h\($0)" }.joined(separator: ", ")
        let inner = """
            SELECT \(groupKey(dimension, owner: "\(c).customer_id", agent: "\(c).agent_id", skill: "\(c).skill", intent: "\(c).intent", district: Self.chatDistrict, at: "\(c).created_at", sql)) AS k,
            CASE WHEN \(c).first_queued_at IS NULL THEN 1 ELSE 0 END AS bot_only,
            CASE WHEN \(c).first_queued_at IS NOT NULL THEN 1 ELSE 0 END AS queued,
            CASE WHEN \(c).first_assigned_at IS NOT NULL THEN 1 ELSE 0 END AS taken,
            CASE WHEN \(c).first_queued_at IS NOT NULL AND \(c).first_assigned_at IS NULL AND \(c).state = 'closed' THEN 1 ELSE 0 END AS abandoned,
            CASE WHEN \(c).first_assigned_at IS NOT NULL THEN \(takenAt) - \(queuedAt) END AS wait,
            CASE WHEN \(c).first_assigned_at IS NOT NULL AND \(c).first_response_at IS NOT NULL
                THEN \(sql.epoch("\(c).first_response_at")) - \(queuedAt) END AS frt,
            CASE WHEN \(c).first_assigned_at IS NOT NULL AND \(c).resolved_at IS NOT NULL
                THEN \(sql.epoch("\(c).resolved_at")) - \(takenAt) END AS handling,
            \(handoverColumns)
            FROM conversations \(c) WHERE \(c).created_at >= 
            """
        let query = SQLQueryString("""
            SELECT k, COUNT(*) AS chats, SUM(bot_only) AS bot_only, SUM(queued) AS queued, SUM(taken) AS taken,
            SUM(abandoned) AS abandoned, COALESCE(SUM(wait), 0) AS wait, COUNT(frt) AS responded, COALESCE(SUM(frt), 0) AS frt,
            SUM(CASE WHEN frt <= 15 THEN 1 ELSE 0 END) AS within15, SUM(CASE WHEN frt <= 30 THEN 1 ELSE 0 END) AS within30,
            SUM(CASE WHEN frt <= 60 THEN 1 ELSE 0 END) AS within60, COUNT(handling) AS resolved, COALESCE(SUM(handling), 0) AS handling, \(handoverSums)
            FROM (
            """) + SQLQueryString(inner) + "\(bind: period.from) AND c.created_at < \(bind: period.to)) AS per_chat GROUP BY k"
        return try await database.read { db in
            var figures: [String: ChatFigures] = [:]
            for row in try await db.raw(query).all() {
                var f = ChatFigures()
                f.chats = try row.int("chats")
                f.botOnly = try row.int("bot_only")
                f.queued = try row.int("queued")
                f.taken = try row.int("taken")
                f.abandoned = try row.int("abandoned")
                f.queueWaitSeconds = try row.decode(column: "wait", as: Double.self)
                f.responded = try row.int("responded")
                f.firstResponseSeconds = try row.decode(column: "frt", as: Double.self)
                f.firstResponseWithin15 = try row.int("within15")
                f.firstResponseWithin30 = try row.int("within30")
                f.firstResponseWithin60 = try row.int("within60")
                f.resolved = try row.int("resolved")
                f.handlingSeconds = try row.decode(column: "handling", as: Double.self)
                f.handoversByReason = try (0..<reasons.count).map { try row.int("h\($0)") }
                figures[try row.text("k")] = f
            }
            return figures
        }
    }

    /// Survey figures of the contacts (chats with a person, tickets) that ended in `period`, and the
    /// bot's ratings given in it, by `dimension`; `now` decides which reviews have had their 48 hours.
    public func surveyFigures(_ period: ReportPeriod, by dimension: QualityDimension?, now: Date) async throws -> [String: SurveyFigures] {
        let sql = SQLDialectTimes(database.dialect)
        // A chat's answer is a visitor's if the chat was; a ticket's is always a customer's.
        let owner = "CASE WHEN c.id IS NOT NULL AND c.customer_id IS NULL THEN NULL ELSE 'customer' END"
        // An answer's problem is its chat's or its ticket's; its district the customer's (a visitor has none).
        let answerIntent = "CASE WHEN s.contact_kind = 'chat' THEN c.intent ELSE (SELECT x.intent FROM tickets x WHERE x.id = s.contact_id) END"
        let answerDistrict = "s.district"
        let answers = SQLQueryString("""
            SELECT \(groupKey(dimension, owner: owner, agent: "s.agent_id", skill: "s.skill", intent: answerIntent, district: answerDistrict, at: "s.ended_at", sql)) AS k, COUNT(*) AS n,
            SUM(CASE WHEN s.csat >= 4 THEN 1 ELSE 0 END) AS satisfied, SUM(CASE WHEN s.csat <= 2 THEN 1 ELSE 0 END) AS negative,
            COUNT(s.nps) AS nps_answers, SUM(CASE WHEN s.nps >= 9 THEN 1 ELSE 0 END) AS promoters,
            SUM(CASE WHEN s.nps <= 6 THEN 1 ELSE 0 END) AS detractors
            FROM survey_responses s LEFT JOIN conversations c ON s.contact_kind = 'chat' AND c.id = s.contact_id
            WHERE s.kind = 'service' AND s.ended_at >= 
            """) + "\(bind: period.from) AND s.ended_at < \(bind: period.to) GROUP BY k"
        let bot = SQLQueryString("""
            SELECT \(groupKey(dimension, owner: owner, agent: "s.agent_id", skill: "s.skill", intent: answerIntent, district: answerDistrict, at: "s.answered_at", sql)) AS k, COUNT(*) AS n,
            SUM(CASE WHEN s.helpful THEN 1 ELSE 0 END) AS helpful
            FROM survey_responses s LEFT JOIN conversations c ON c.id = s.contact_id
            WHERE s.kind = 'bot' AND s.answered_at >= 
            """) + "\(bind: period.from) AND s.answered_at < \(bind: period.to) GROUP BY k"
        // A review is judged once concluded, or once its deadline passed without a finding.
        let reviews = SQLQueryString("""
            SELECT \(groupKey(dimension, owner: owner, agent: "s.agent_id", skill: "s.skill", intent: answerIntent, district: answerDistrict, at: "s.ended_at", sql)) AS k,
            SUM(CASE WHEN r.concluded_at IS NOT NULL AND r.concluded_at <= r.due_at THEN 1 ELSE 0 END) AS on_time,
            SUM(CASE WHEN r.concluded_at IS NOT NULL OR r.due_at < 
            """) + "\(bind: now) THEN 1 ELSE 0 END) AS due FROM rating_reviews r JOIN survey_responses s ON s.id = r.survey_id " +
            "LEFT JOIN conversations c ON s.contact_kind = 'chat' AND c.id = s.contact_id " +
            "WHERE s.ended_at >= \(bind: period.from) AND s.ended_at < \(bind: period.to) GROUP BY k"
        let (contactChats, contactTickets) = contactQueries(dimension, period, now: now, sql)
        return try await database.read { db in
            var figures: [String: SurveyFigures] = [:]
            for row in try await db.raw(contactChats).all() + (try await db.raw(contactTickets).all()) {
                let k = try row.text("k")
                var f = figures[k] ?? SurveyFigures()
                f.eligible += try row.int("eligible")
                f.fcrPending += try row.int("pending")
                f.fcrContacts += try row.int("fcr") - (try row.int("pending"))
                f.fcrResolved += try row.int("first")
                figures[k] = f
            }
            for row in try await db.raw(answers).all() {
                let k = try row.text("k")
                var f = figures[k] ?? SurveyFigures()
                f.answered += try row.int("n")
                f.satisfied += try row.int("satisfied")
                f.negative += try row.int("negative")
                f.npsAnswers += try row.int("nps_answers")
                f.promoters += try row.int("promoters")
                f.detractors += try row.int("detractors")
                figures[k] = f
            }
            for row in try await db.raw(bot).all() {
                let k = try row.text("k")
                var f = figures[k] ?? SurveyFigures()
                f.botRatings += try row.int("n")
                f.botHelpful += try row.int("helpful")
                figures[k] = f
            }
            for row in try await db.raw(reviews).all() {
                let k = try row.text("k")
                var f = figures[k] ?? SurveyFigures()
                f.reviewsDue += try row.int("due")
                f.reviewedOnTime += try row.int("on_time")
                figures[k] = f
            }
            return figures
        }
    }

    /// The contacts that ended in `period`, read once for two figures: which take a survey (`eligible`:
    /// chats an agent held, tickets) and first-contact resolution, whose contacts are a customer's chat
    /// a person took and a ticket not opened from such a chat (one opened from it is part of that
    /// contact). Each says whether its 7 days are over (`pending` when not) and whether it was solved
    /// at first contact: ended resolved, not sent on to another group, no ticket of it reopened, and not
    /// marked repeated (`RepeatContacts`: a new chat or ticket of the customer on the same intent within
    /// 7 days). See docs/metrics.md.
    private func contactQueries(
        _ dimension: QualityDimension?, _ period: ReportPeriod, now: Date, _ sql: SQLDialectTimes
    ) -> (SQLQueryString, SQLQueryString) {
        let settled = now.addingTimeInterval(-QualityTargets.repeatWindow)
        let chatEnd = "COALESCE(c.resolved_at, c.closed_at)", ticketEnd = "COALESCE(t.resolved_at, t.closed_at)"
        let sums = "SELECT k, SUM(eligible) AS eligible, SUM(fcr) AS fcr, SUM(pending) AS pending, SUM(first) AS first FROM ("
        let chatContact = "c.first_assigned_at IS NOT NULL AND c.customer_id IS NOT NULL"
        let chats = SQLQueryString("""
            \(sums) SELECT \(groupKey(dimension, owner: "c.customer_id", agent: "c.agent_id", skill: "c.skill", intent: "c.intent", district: Self.chatDistrict, at: chatEnd, sql)) AS k,
            CASE WHEN c.agent_id IS NOT NULL THEN 1 ELSE 0 END AS eligible,
            CASE WHEN \(chatContact) THEN 1 ELSE 0 END AS fcr,
            CASE WHEN \(chatContact) AND \(chatEnd) > 
            """) + "\(bind: settled) THEN 1 ELSE 0 END AS pending, CASE WHEN \(unsafeRaw: chatContact) AND \(unsafeRaw: chatEnd) <= \(bind: settled) " + SQLQueryString("""
                AND c.resolved_at IS NOT NULL AND NOT c.group_transferred AND NOT c.repeated
                AND NOT EXISTS (SELECT 1 FROM tickets r WHERE r.conversation_id = c.id AND r.reopen_count > 0)
            THEN 1 ELSE 0 END AS first
            FROM conversations c WHERE (c.agent_id IS NOT NULL OR c.first_assigned_at IS NOT NULL)
            AND c.state IN ('resolved', 'closed') AND \(chatEnd) >= 
            """) + "\(bind: period.from) AND \(unsafeRaw: chatEnd) < \(bind: period.to)) AS per_contact GROUP BY k"
        let ticketContact = """
            NOT EXISTS (SELECT 1 FROM conversations o WHERE o.id = t.conversation_id AND o.first_assigned_at IS NOT NULL AND o.customer_id IS NOT NULL)
            """
        let tickets = SQLQueryString("""
            \(sums) SELECT \(groupKey(dimension, owner: "t.customer_id", agent: "t.assignee_id", skill: "t.ticket_group", intent: "t.intent", district: "t.district", at: ticketEnd, sql)) AS k,
            1 AS eligible, CASE WHEN \(ticketContact) THEN 1 ELSE 0 END AS fcr,
            CASE WHEN \(ticketContact) AND \(ticketEnd) > 
            """) + "\(bind: settled) THEN 1 ELSE 0 END AS pending, CASE WHEN \(unsafeRaw: ticketContact) AND \(unsafeRaw: ticketEnd) <= \(bind: settled) " + SQLQueryString("""
                AND t.resolved_at IS NOT NULL AND t.reopen_count = 0 AND NOT t.repeated
                AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'transferred')
            THEN 1 ELSE 0 END AS first
            FROM tickets t WHERE t.status IN ('resolved', 'closed') AND \(ticketEnd) >= 
            """) + "\(bind: period.from) AND \(unsafeRaw: ticketEnd) < \(bind: period.to)) AS per_contact GROUP BY k"
        return (chats, tickets)
    }

    /// Ticket figures of the tickets opened in `period`, by `dimension`; `now` decides which fault
    /// tickets have had their 48 hours.
    public func ticketFigures(_ period: ReportPeriod, by dimension: QualityDimension?, now: Date) async throws -> [String: TicketFigures] {
        let sql = SQLDialectTimes(database.dialect)
        let created = sql.epoch("t.created_at"), resolved = sql.epoch("t.resolved_at")
        let limit = String(Int(TicketFigures.faultTarget)), followUp = String(Int(TicketAction.followUpWithin))
        let priorities = TicketPriority.allCases.map(\.rawValue)
        let byPriority = priorities.enumerated().map { n, p in
            "SUM(CASE WHEN t.priority = '\(p)' THEN 1 ELSE 0 END) AS p\(n), SUM(CASE WHEN t.priority = '\(p)' AND t.breached THEN 1 ELSE 0 END) AS b\(n)"
        }.joined(separator: ", ")
        let query = SQLQueryString("""
            SELECT \(groupKey(dimension, owner: "t.customer_id", agent: "t.assignee_id", skill: "t.ticket_group", intent: "t.intent", district: "t.district", at: "t.created_at", sql)) AS k,
            COUNT(*) AS tickets, SUM(CASE WHEN t.breached THEN 1 ELSE 0 END) AS breached, \(byPriority),
            SUM(CASE WHEN t.type = 'fault' AND t.resolved_at IS NOT NULL AND \(resolved) - \(created) <= \(limit) THEN 1 ELSE 0 END) AS faults_within,
            SUM(CASE WHEN t.escalated THEN 1 ELSE 0 END) AS escalated,
            SUM(CASE WHEN t.escalated AND EXISTS (
                SELECT 1 FROM ticket_events e JOIN ticket_events f ON f.ticket_id = e.ticket_id
                WHERE e.ticket_id = t.id AND e.kind = 'escalated' AND f.actor_kind = 'staff' AND f.kind IN ('comment', 'status')
                AND \(sql.epoch("f.at")) > \(sql.epoch("e.at")) AND \(sql.epoch("f.at")) - \(sql.epoch("e.at")) <= \(followUp)
            ) THEN 1 ELSE 0 END) AS followed_up,
            SUM(CASE WHEN t.type = 'fault' AND ((t.resolved_at IS NOT NULL AND \(resolved) - \(created) <= \(limit)) OR t.created_at <= 
            """) + "\(bind: now.addingTimeInterval(-TicketFigures.faultTarget))) THEN 1 ELSE 0 END) AS faults_due " +
            "FROM tickets t WHERE t.created_at >= \(bind: period.from) AND t.created_at < \(bind: period.to) GROUP BY k"
        return try await database.read { db in
            var figures: [String: TicketFigures] = [:]
            for row in try await db.raw(query).all() {
                var f = TicketFigures()
                f.tickets = try row.int("tickets")
                f.breached = try row.int("breached")
                f.byPriority = try (0..<priorities.count).map { try row.int("p\($0)") }
                f.breachedByPriority = try (0..<priorities.count).map { try row.int("b\($0)") }
                f.faultsDue = try row.int("faults_due")
                f.faultsWithin48h = try row.int("faults_within")
                f.escalated = try row.int("escalated")
                f.escalationsFollowedUp = try row.int("followed_up")
                figures[try row.text("k")] = f
            }
            return figures
        }
    }

    /// A chat's district is its customer's when it started (a visitor has none), kept on the row.
    static let chatDistrict = "c.district"

    /// The group a row falls in, always as text: "" for a report without a breakdown, "bot" for the
    /// agent of an answer nobody is credited with, "none" for an unknown intent or a visitor's district.
    private func groupKey(
        _ dimension: QualityDimension?, owner: String, agent: String, skill: String, intent: String, district: String, at time: String,
        _ sql: SQLDialectTimes
    ) -> String {
        switch dimension {
        case nil: "''"
        case .agent: "COALESCE(\(agent), 'bot')"
        case .skill: skill
        case .intent: "COALESCE(\(intent), 'none')"
        case .district: "COALESCE(\(district), 'none')"
        case .channel: "CASE WHEN \(owner) IS NULL THEN 'visitor' ELSE 'customer' END"
        case .day: sql.text(sql.whole("(\(sql.epoch(time)) + \(SQLDialectTimes.chinaOffset)) / 86400"))
        case .hour: sql.text("(\(sql.whole("(\(sql.epoch(time)) + \(SQLDialectTimes.chinaOffset)) / 3600"))) % 24")
        }
    }
}

/// Times as seconds since 1970 in either dialect: SQLite keeps a `Date` as those seconds, PostgreSQL as
/// timestamptz. Only the code's own column names go in; values are always bound.
struct SQLDialectTimes {
    static let chinaOffset = 8 * 3600
    let dialect: Database.Dialect

    init(_ dialect: Database.Dialect) { self.dialect = dialect }

    func epoch(_ column: String) -> String {
        dialect == .sqlite ? column : "CAST(EXTRACT(EPOCH FROM \(column)) AS DOUBLE PRECISION)"
    }

    /// The whole number below a non-negative number.
    func whole(_ expression: String) -> String {
        dialect == .sqlite ? "CAST(\(expression) AS INTEGER)" : "CAST(floor(\(expression)) AS BIGINT)"
    }

    func text(_ expression: String) -> String { "CAST(\(expression) AS TEXT)" }

    /// An instant `seconds` after the one `expression` gives, in the column's own type, so a comparison
    /// with a column can still use its index.
    func plus(_ expression: String, seconds: Int) -> String {
        dialect == .sqlite ? "(\(expression) + \(seconds))" : "(\(expression) + interval '\(seconds) seconds')"
    }
}
