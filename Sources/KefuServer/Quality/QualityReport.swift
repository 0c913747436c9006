import Foundation
import KefuCore
import KefuStore

/// One quality report: the figures of each group with the name a team lead reads, and the total, the
/// same rows for the API's JSON and for CSV.
struct QualityReport: Sendable {
    struct Row: Sendable {
        var key: String
        var label: String
        var chats: ChatFigures
        var surveys: SurveyFigures
        var tickets: TicketFigures
    }

    let period: ReportPeriod
    let dimension: QualityDimension?
    let rows: [Row]
    let total: Row

    static func build(_ period: ReportPeriod, by dimension: QualityDimension?, store: Store, now: Date) async throws -> QualityReport {
        let (chats, surveys, tickets) = try await store.quality.figures(period, by: dimension, now: now)
        let keys = Set(chats.keys).union(surveys.keys).union(tickets.keys)
        // Every agent the rows name, read at once.
        let staff = dimension == .agent ? try await store.staff.find(ids: keys.subtracting(["bot"])) : [:]
        var rows: [Row] = []
        for key in keys {
            let (shown, label) = name(key, dimension, staff)
            rows.append(Row(
                key: shown, label: label, chats: chats[key] ?? ChatFigures(), surveys: surveys[key] ?? SurveyFigures(),
                tickets: tickets[key] ?? TicketFigures()
            ))
        }
        switch dimension {
        case .hour: rows.sort { Int($0.key) ?? 0 < Int($1.key) ?? 0 }
        case .day: rows.sort { $0.key < $1.key }
        default:
            let volume = { (r: Row) in r.chats.chats + r.surveys.eligible + r.tickets.tickets }
            rows.sort { (volume($0), $1.label) > (volume($1), $0.label) }
        }
        let total = Row(
            key: "", label: "合计", chats: rows.map(\.chats).reduce(ChatFigures(), +), surveys: rows.map(\.surveys).reduce(SurveyFigures(), +),
            tickets: rows.map(\.tickets).reduce(TicketFigures(), +)
        )
        return QualityReport(period: period, dimension: dimension, rows: dimension == nil ? [] : rows, total: total)
    }

    /// The key as the API shows it and the name a person reads.
    private static func name(_ key: String, _ dimension: QualityDimension?, _ people: [String: StaffUser]) -> (String, String) {
        switch dimension {
        case nil: return ("", "合计")
        case .agent:
            if key == "bot" { return (key, "未指定客服") }
            guard let staff = people[key] else { return (key, "已删除的账号") }
            return (key, "\(staff.agentNo) \(staff.displayName)")
        case .skill: return (key, SkillGroup(rawValue: key)?.displayName ?? key)
        case .intent: return (key, Intent(rawValue: key)?.displayName ?? "未识别")
        case .district: return (key, key == "none" ? "未知（访客）" : key)
        case .channel: return (key, key == "visitor" ? "访客" : "登录客户")
        case .day:
            let day = CalendarDate(daysSinceEpoch: Int(key) ?? 0).description
            return (day, day)
        case .hour: return (key, "\(key.count == 1 ? "0" : "")\(key):00")
        }
    }

    var view: Components.Schemas.QualityReport {
        .init(
            from: period.from, to: period.to, by: dimension?.rawValue,
            targets: .init(
                firstResponseWithin30s: QualityTargets.firstResponseWithin30s, csat: QualityTargets.csat,
                firstResponseSeconds: QualityTargets.firstResponseSeconds, reviewedWithin48h: QualityTargets.reviewedWithin48h,
                firstContactResolution: QualityTargets.firstContactResolution
            ),
            total: Self.view(total), rows: rows.map(Self.view)
        )
    }

    private static func view(_ row: Row) -> Components.Schemas.QualityRow {
        let c = row.chats, s = row.surveys, t = row.tickets, buckets = c.firstResponseBuckets
        return .init(
            key: row.key, label: row.label,
            chats: .init(
                chats: c.chats, botOnly: c.botOnly, containment: c.containment, queued: c.queued, taken: c.taken, abandoned: c.abandoned,
                abandonmentRate: c.abandonmentRate, averageQueueWaitSeconds: c.averageQueueWait, responded: c.responded,
                averageFirstResponseSeconds: c.averageFirstResponse, shareWithin30s: c.shareWithin30s,
                firstResponseBuckets: .init(upTo15: buckets[0], upTo30: buckets[1], upTo60: buckets[2], over60: buckets[3], never: buckets[4]),
                resolved: c.resolved, averageHandlingSeconds: c.averageHandling,
                handovers: HandoverReason.allCases.map { .init(reason: $0, label: $0.label, chats: c.handovers($0)) }
            ),
            surveys: .init(
                eligible: s.eligible, answered: s.answered, responseRate: s.responseRate, satisfied: s.satisfied, csat: s.csat,
                negative: s.negative, npsAnswers: s.npsAnswers, promoters: s.promoters, detractors: s.detractors, nps: s.nps,
                botRatings: s.botRatings, botHelpful: s.botHelpful, botHelpfulShare: s.botHelpfulShare,
                reviewsDue: s.reviewsDue, reviewedOnTime: s.reviewedOnTime, reviewedOnTimeShare: s.reviewedOnTimeShare,
                fcrContacts: s.fcrContacts, fcrResolved: s.fcrResolved, fcrPending: s.fcrPending,
                firstContactResolution: s.firstContactResolution
            ),
            tickets: .init(
                tickets: t.tickets, breached: t.breached, breachRate: t.breachRate,
                byPriority: zip(TicketPriority.allCases, zip(t.byPriority, t.breachedByPriority)).map {
                    .init(priority: $0.0.rawValue, tickets: $0.1.0, breached: $0.1.1)
                },
                faultsDue: t.faultsDue, faultsWithin48h: t.faultsWithin48h, faultsWithin48hShare: t.faultsWithin48hShare,
                escalated: t.escalated, escalationsFollowedUp: t.escalationsFollowedUp, followUpShare: t.followUpShare
            )
        )
    }

    static let csvHeader = [
        "分组", "会话数", "机器人独立完成", "转人工排队", "人工接入", "放弃", "放弃率", "平均排队秒", "首响0-15秒", "首响15-30秒", "首响30-60秒",
        "首响超60秒", "无人工回复", "30秒首响率", "平均首响秒", "人工解决", "平均处理秒",
    ] + HandoverReason.allCases.map { "转人工：" + $0.label } + [
        "应评价", "已评价", "参评率", "满意", "满意度",
        "差评(≤2)", "NPS样本", "推荐者", "贬损者", "NPS", "机器人评价", "机器人有帮助", "应复盘", "48小时内复盘", "FCR样本", "首次解决", "FCR观察期内",
        "工单数", "SLA超时", "P0超时", "P1超时", "P2超时", "P3超时", "故障应结", "故障48小时内解决", "升级", "升级24小时内跟进",
    ]

    func csv() -> String {
        var text = "\u{FEFF}" + CSV.row(Self.csvHeader.map { .text($0) })
        for row in (rows.isEmpty ? [] : rows) + [total] {
            let c = row.chats, s = row.surveys, t = row.tickets, b = c.firstResponseBuckets
            text += CSV.row([
                .text(row.label), .count(c.chats), .count(c.botOnly), .count(c.queued), .count(c.taken), .count(c.abandoned),
                .number(c.abandonmentRate), .number(c.averageQueueWait), .count(b[0]), .count(b[1]), .count(b[2]), .count(b[3]), .count(b[4]),
                .number(c.shareWithin30s), .number(c.averageFirstResponse), .count(c.resolved), .number(c.averageHandling),
            ] + c.handoversByReason.map { .count($0) } + [
                .count(s.eligible), .count(s.answered), .number(s.responseRate), .count(s.satisfied), .number(s.csat), .count(s.negative),
                .count(s.npsAnswers), .count(s.promoters), .count(s.detractors), .number(s.nps), .count(s.botRatings), .count(s.botHelpful),
                .count(s.reviewsDue), .count(s.reviewedOnTime), .count(s.fcrContacts), .count(s.fcrResolved), .count(s.fcrPending),
                .count(t.tickets), .count(t.breached),
            ] + t.breachedByPriority.map { .count($0) } + [
                .count(t.faultsDue), .count(t.faultsWithin48h), .count(t.escalated), .count(t.escalationsFollowedUp),
            ])
        }
        return text
    }
}
