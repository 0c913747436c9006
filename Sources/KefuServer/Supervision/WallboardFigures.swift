import Foundation
import KefuCore
import KefuStore

/// The wallboard's figures of record: today's KPIs, today's volume by hour against the same weekday a
/// week before, and CSAT and FCR over 30 days. Computed by the quality report itself (`QualityReport`),
/// over the periods a team lead would ask the KPI API for, so every number matches it.
struct WallboardFigures: Encodable, Sendable {
    struct Hour: Encodable, Sendable, Equatable {
        var hour: Int
        var today: Int
        var lastWeek: Int
    }

    struct Day: Encodable, Sendable, Equatable {
        var day: String
        var answered: Int
        var satisfied: Int
        var csat: Double?
    }

    var computedAt: Date
    /// Today's report, China midnight to midnight: the same `from` and `to` give the API's answer.
    var today: Components.Schemas.QualityReport
    /// The 30 days up to and including today, for FCR (whose contacts stay open for 7 days, so today's
    /// are mostly undecided) and the CSAT trend.
    var month: Components.Schemas.QualityReport
    var monthAt: Date
    var hours: [Hour]
    var csatByDay: [Day]
    /// Open tickets past 80% of a running SLA clock and not breached yet.
    var nearBreach: Int

    /// The month's figures are read at most this often: 30 days of a busy centre take a quarter of a second.
    static let monthEvery: TimeInterval = 300

    /// Today's figures, reusing the month's from `earlier` when they are fresh enough and of the same day.
    static func compute(store: Store, now: Date, earlier: WallboardFigures?) async throws -> WallboardFigures {
        let day = CalendarDate(chinaTime: now)
        let midnight = day.date, tomorrow = day.addingDays(1).date
        // One report by hour serves both: its total is the day's, as the API gives it without a breakdown.
        async let todayByHour = QualityReport.build(try ReportPeriod(from: midnight, to: tomorrow), by: .hour, store: store, now: now)
        let weekAgo = day.addingDays(-7)
        async let lastWeekByHour = QualityReport.build(
            try ReportPeriod(from: weekAgo.date, to: weekAgo.addingDays(1).date), by: .hour, store: store, now: now
        )
        async let nearBreach = store.tickets.nearBreach(now: now)
        let month: Components.Schemas.QualityReport, monthAt: Date
        var csatByDay: [Day]
        if let earlier, earlier.month.to == tomorrow, now.timeIntervalSince(earlier.monthAt) < monthEvery {
            (month, monthAt, csatByDay) = (earlier.month, earlier.monthAt, earlier.csatByDay)
        } else {
            let report = try await QualityReport.build(try ReportPeriod(from: day.addingDays(-29).date, to: tomorrow), by: .day, store: store, now: now)
            let rows = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.key, $0.surveys) })
            month = report.view
            monthAt = now
            csatByDay = (0..<30).map { back in
                let key = day.addingDays(back - 29).description
                let s = rows[key] ?? SurveyFigures()
                return Day(day: key, answered: s.answered, satisfied: s.satisfied, csat: s.csat)
            }
        }
        // Today's point is today's report, fresh each time: a rating given a minute ago is on the chart.
        let byHour = try await todayByHour
        let today = QualityReport(period: byHour.period, dimension: nil, rows: [], total: byHour.total)
        let answers = today.total.surveys
        csatByDay[csatByDay.count - 1] = Day(day: day.description, answered: answers.answered, satisfied: answers.satisfied, csat: answers.csat)
        let todayHours = Dictionary(uniqueKeysWithValues: byHour.rows.map { ($0.key, $0.chats.chats) })
        let weekHours = Dictionary(uniqueKeysWithValues: try await lastWeekByHour.rows.map { ($0.key, $0.chats.chats) })
        let hours = (0..<24).map { Hour(hour: $0, today: todayHours[String($0)] ?? 0, lastWeek: weekHours[String($0)] ?? 0) }
        return WallboardFigures(
            computedAt: now, today: today.view, month: month, monthAt: monthAt, hours: hours, csatByDay: csatByDay,
            nearBreach: try await nearBreach
        )
    }

    /// The same figures, whenever they were computed: the job pushes only what changed.
    func sameFigures(as other: WallboardFigures?) -> Bool {
        guard let other else { return false }
        var a = self, b = other
        (a.computedAt, a.monthAt) = (.distantPast, .distantPast)
        (b.computedAt, b.monthAt) = (.distantPast, .distantPast)
        return a.json() == b.json()
    }

    func json() -> String {
        (try? String(decoding: ServerFrame.encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
