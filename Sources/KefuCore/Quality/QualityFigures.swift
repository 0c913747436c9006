import Foundation

/// What a quality report is broken down by. Days and hours are China's (UTC+8), as the centre works.
public enum QualityDimension: String, Codable, Sendable, CaseIterable {
    case agent, skill, intent, district, channel, day, hour
}

/// The operator's own targets, shown beside each figure that has one.
public enum QualityTargets {
    /// First responses within 30 s.
    public static let firstResponseWithin30s = 0.90
    public static let csat = 0.90
    /// Seconds a first response may take to count as on time.
    public static let firstResponseSeconds: Double = 30
    /// Every negative rating reviewed within 48 hours.
    public static let reviewedWithin48h = 1.0
    /// Problems solved at the first contact.
    public static let firstContactResolution = 0.85
    /// How long after a contact ends a new one on the same problem still counts against it.
    public static let repeatWindow: TimeInterval = 7 * 86_400
}

/// A chat's figures for one group of a report, as counts and sums, so groups add up to the total and
/// every share is computed one way (docs/metrics.md says from which stored time to which).
public struct ChatFigures: Sendable, Equatable, Codable {
    /// Chats started in the period.
    public var chats = 0
    /// Never queued for a person: the bot (or the customer's leaving) ended them.
    public var botOnly = 0
    /// Queued for a person.
    public var queued = 0
    /// Taken by an agent.
    public var taken = 0
    /// Queued and closed before any agent took them (the customer left, or left a message instead).
    public var abandoned = 0
    public var queueWaitSeconds: Double = 0
    /// Taken chats whose agent wrote to the customer, with the first response's delay in buckets.
    public var responded = 0
    public var firstResponseSeconds: Double = 0
    public var firstResponseWithin15 = 0
    public var firstResponseWithin30 = 0
    public var firstResponseWithin60 = 0
    /// Taken chats resolved by an agent, and the time from the first agent taking them to the resolution.
    public var resolved = 0
    public var handlingSeconds: Double = 0
    /// Chats the bot handed to a person, by why, in `HandoverReason.allCases` order.
    public var handoversByReason = [Int](repeating: 0, count: HandoverReason.allCases.count)

    public init() {}

    public func handovers(_ reason: HandoverReason) -> Int {
        handoversByReason[HandoverReason.allCases.firstIndex(of: reason)!]
    }

    /// Share of chats a person took whose first agent message came within 30 s of the first queueing;
    /// a taken chat no agent ever wrote in counts as late.
    public var shareWithin30s: Double? { taken == 0 ? nil : Double(firstResponseWithin30) / Double(taken) }
    public var averageFirstResponse: Double? { responded == 0 ? nil : firstResponseSeconds / Double(responded) }
    public var averageQueueWait: Double? { taken == 0 ? nil : queueWaitSeconds / Double(taken) }
    public var abandonmentRate: Double? { queued == 0 ? nil : Double(abandoned) / Double(queued) }
    public var averageHandling: Double? { resolved == 0 ? nil : handlingSeconds / Double(resolved) }
    public var containment: Double? { chats == 0 ? nil : Double(botOnly) / Double(chats) }
    /// The distribution the operator asks for: 0–15, 15–30, 30–60, over 60 s, and never answered.
    public var firstResponseBuckets: [Int] {
        [firstResponseWithin15, firstResponseWithin30 - firstResponseWithin15, firstResponseWithin60 - firstResponseWithin30,
         responded - firstResponseWithin60, taken - responded]
    }

    public static func + (a: ChatFigures, b: ChatFigures) -> ChatFigures {
        var s = ChatFigures()
        s.chats = a.chats + b.chats
        s.botOnly = a.botOnly + b.botOnly
        s.queued = a.queued + b.queued
        s.taken = a.taken + b.taken
        s.abandoned = a.abandoned + b.abandoned
        s.queueWaitSeconds = a.queueWaitSeconds + b.queueWaitSeconds
        s.responded = a.responded + b.responded
        s.firstResponseSeconds = a.firstResponseSeconds + b.firstResponseSeconds
        s.firstResponseWithin15 = a.firstResponseWithin15 + b.firstResponseWithin15
        s.firstResponseWithin30 = a.firstResponseWithin30 + b.firstResponseWithin30
        s.firstResponseWithin60 = a.firstResponseWithin60 + b.firstResponseWithin60
        s.resolved = a.resolved + b.resolved
        s.handlingSeconds = a.handlingSeconds + b.handlingSeconds
        s.handoversByReason = zip(a.handoversByReason, b.handoversByReason).map(+)
        return s
    }
}

/// Survey figures for one group: the contacts that ended in the period with a person (chats and
/// tickets), the answers they got, and the bot's own ratings given in the period.
public struct SurveyFigures: Sendable, Equatable, Codable {
    public var eligible = 0
    public var answered = 0
    public var satisfied = 0
    /// Answers of 2 or less: each opens a review.
    public var negative = 0
    public var npsAnswers = 0
    public var promoters = 0
    public var detractors = 0
    public var botRatings = 0
    public var botHelpful = 0
    /// Reviews of the negative answers that can be judged now: concluded, or past their 48 hours.
    public var reviewsDue = 0
    /// Of those, the ones whose finding was recorded within the 48 hours.
    public var reviewedOnTime = 0
    /// Contacts (customers' chats with a person, tickets not opened from one) whose 7 days since
    /// the end are over, so whether they were solved at the first contact is known.
    public var fcrContacts = 0
    /// Of those, resolved at the first contact (docs/metrics.md has the rule).
    public var fcrResolved = 0
    /// Contacts that ended in the period whose 7 days are not over yet: in neither count.
    public var fcrPending = 0

    public init() {}

    public var csat: Double? { answered == 0 ? nil : Double(satisfied) / Double(answered) }
    /// % of 9–10 minus % of 0–6, among those who answered the NPS question, from −100 to 100.
    public var nps: Double? { npsAnswers == 0 ? nil : 100 * Double(promoters - detractors) / Double(npsAnswers) }
    public var responseRate: Double? { eligible == 0 ? nil : Double(answered) / Double(eligible) }
    public var botHelpfulShare: Double? { botRatings == 0 ? nil : Double(botHelpful) / Double(botRatings) }
    /// The operator's "every negative rating reviewed within 48 h", as a share.
    public var reviewedOnTimeShare: Double? { reviewsDue == 0 ? nil : Double(reviewedOnTime) / Double(reviewsDue) }
    public var firstContactResolution: Double? { fcrContacts == 0 ? nil : Double(fcrResolved) / Double(fcrContacts) }

    public static func + (a: SurveyFigures, b: SurveyFigures) -> SurveyFigures {
        var s = SurveyFigures()
        s.eligible = a.eligible + b.eligible
        s.answered = a.answered + b.answered
        s.satisfied = a.satisfied + b.satisfied
        s.negative = a.negative + b.negative
        s.npsAnswers = a.npsAnswers + b.npsAnswers
        s.promoters = a.promoters + b.promoters
        s.detractors = a.detractors + b.detractors
        s.botRatings = a.botRatings + b.botRatings
        s.botHelpful = a.botHelpful + b.botHelpful
        s.reviewsDue = a.reviewsDue + b.reviewsDue
        s.reviewedOnTime = a.reviewedOnTime + b.reviewedOnTime
        s.fcrContacts = a.fcrContacts + b.fcrContacts
        s.fcrResolved = a.fcrResolved + b.fcrResolved
        s.fcrPending = a.fcrPending + b.fcrPending
        return s
    }
}

/// Ticket figures for one group: the tickets opened in the period, their SLA breaches by priority,
/// the fault tickets closed within 48 hours and the escalations followed up within 24 hours.
public struct TicketFigures: Sendable, Equatable, Codable {
    public var tickets = 0
    /// Tickets whose response or resolution clock ran out, of all, and by priority p0…p3.
    public var breached = 0
    public var byPriority = [0, 0, 0, 0]
    public var breachedByPriority = [0, 0, 0, 0]
    /// Fault tickets whose 48 hours are over or that were resolved sooner, and those resolved within 48 h.
    public var faultsDue = 0
    public var faultsWithin48h = 0
    public var escalated = 0
    /// Escalated tickets a staff member commented on or moved within 24 h of the escalation.
    public var escalationsFollowedUp = 0

    public init() {}

    public static let faultTarget: TimeInterval = 48 * 3600

    public var breachRate: Double? { tickets == 0 ? nil : Double(breached) / Double(tickets) }
    public var faultsWithin48hShare: Double? { faultsDue == 0 ? nil : Double(faultsWithin48h) / Double(faultsDue) }
    public var followUpShare: Double? { escalated == 0 ? nil : Double(escalationsFollowedUp) / Double(escalated) }

    public static func + (a: TicketFigures, b: TicketFigures) -> TicketFigures {
        var s = TicketFigures()
        s.tickets = a.tickets + b.tickets
        s.breached = a.breached + b.breached
        s.byPriority = zip(a.byPriority, b.byPriority).map(+)
        s.breachedByPriority = zip(a.breachedByPriority, b.breachedByPriority).map(+)
        s.faultsDue = a.faultsDue + b.faultsDue
        s.faultsWithin48h = a.faultsWithin48h + b.faultsWithin48h
        s.escalated = a.escalated + b.escalated
        s.escalationsFollowedUp = a.escalationsFollowedUp + b.escalationsFollowedUp
        return s
    }
}

/// CSV for people who open it in a spreadsheet: quoted where needed, and a text cell that a
/// spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or return first) is prefixed with
/// `'`. Numbers are written as numbers (a negative NPS stays a number).
public enum CSV {
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Double?)
        case count(Int)
    }

    public static func cell(_ value: Value) -> String {
        switch value {
        case .count(let n): return String(n)
        case .number(nil): return ""
        case .number(let x?): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.4f", x)
        case .text(let text):
            var value = text
            if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
            guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    public static func row(_ cells: [Value]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }
}
