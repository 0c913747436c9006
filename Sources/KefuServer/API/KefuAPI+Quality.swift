import Foundation
import KefuCore
import KefuStore
import OpenAPIRuntime

extension KefuAPI {
    var surveys: SurveyDesk { SurveyDesk(store: store, now: now) }

    func listOpenSurveys(_ input: Operations.ListOpenSurveys.Input) async throws -> Operations.ListOpenSurveys.Output {
        let principal = try requirePrincipal()
        let open = try await surveys.open(for: principal)
        let agentNumbers = try await store.staff.find(ids: Set(open.compactMap(\.contact.agentId))).mapValues(\.agentNo)
        return .ok(.init(body: .json(open.map { item in
            let ended = item.contact.endedAt ?? now()
            return .init(
                contactKind: item.contact.kind, contactId: item.contact.id, title: item.title,
                agentNo: item.contact.agentId.flatMap { agentNumbers[$0] }, endedAt: ended,
                expiresAt: ended.addingTimeInterval(SurveyRules.window)
            )
        })))
    }

    func answerSurvey(_ input: Operations.AnswerSurvey.Input) async throws -> Operations.AnswerSurvey.Output {
        let principal = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let answer: SurveyAnswer
        if let helpful = body.helpful {
            guard body.csat == nil, body.nps == nil, body.reason == nil, body.comment == nil else {
                throw KefuError.invalid("helpful 是智能客服的评价，不能与满意度一起提交")
            }
            answer = .bot(helpful: helpful)
        } else {
            guard let csat = body.csat else { throw KefuError(.invalid, "invalid_score", "请选择1到5分的满意度") }
            answer = .service(csat: csat, nps: body.nps, reason: body.reason, comment: body.comment)
        }
                let response: SurveyResponse
        switch body.contactKind {
        case .chat:
            // The chat desk answers it, so a chat that waits for its survey is thanked and closed.
            guard let c = try await store.chat.conversation(id: body.contactId) else { throw KefuError.notFound("会话") }
            response = try await chat.rate(c, answer: answer, by: principal)
        case .ticket:
            response = try await surveys.answer(answer, to: try await surveys.contact(.ticket, body.contactId), by: principal)
        }
        return .created(.init(body: .json(.init(response))))
    }

    func listSurveyResponses(_ input: Operations.ListSurveyResponses.Input) async throws -> Operations.ListSurveyResponses.Output {
        try SurveyPolicy.read(try requirePrincipal()).require("评价")
        let period = try ReportPeriod(from: input.query.from, to: input.query.to)
        let responses = try await store.surveys.responses(
            from: period.from, to: period.to, agentId: input.query.agentId, limit: input.query.limit ?? 200
        )
        return .ok(.init(body: .json(PersonalData.shown(responses, to: try requirePrincipal()).map(Components.Schemas.SurveyResponse.init))))
    }
}

extension Components.Schemas.SurveyResponse {
    init(_ r: KefuCore.SurveyResponse) {
        self.init(
            id: r.id, contactKind: r.contactKind, contactId: r.contactId, kind: r.answer.kind, agentId: r.agentId,
            skill: r.skill.rawValue, endedAt: r.endedAt, answeredAt: r.answeredAt
        )
        switch r.answer {
        case .service(let csat, let nps, let reason, let comment):
            (self.csat, self.nps, self.reason, self.comment) = (csat, nps, reason, comment)
        case .bot(let helpful):
            self.helpful = helpful
        }
    }
}

// MARK: Report

extension KefuAPI {
    func getQualityReport(_ input: Operations.GetQualityReport.Input) async throws -> Operations.GetQualityReport.Output {
        try SurveyPolicy.read(try requirePrincipal()).require("报表")
        let period = try ReportPeriod(from: input.query.from, to: input.query.to)
        let dimension = input.query.by.flatMap { QualityDimension(rawValue: $0.rawValue) }
        let report = try await QualityReport.build(period, by: dimension, store: store, now: now())
        if input.query.format == .csv {
            return .ok(.init(body: .csv(HTTPBody(report.csv()))))
        }
        return .ok(.init(body: .json(report.view)))
    }
}

/// 数据反馈 over REST; `HotTopicsDesk` builds the report.
extension KefuAPI {
    func getHotTopics(_ input: Operations.GetHotTopics.Input) async throws -> Operations.GetHotTopics.Output {
        let principal = try requirePrincipal()
        let q = input.query
        guard let from = CalendarDate(iso: q.from), let to = CalendarDate(iso: q.to) else {
            throw KefuError(.invalid, "invalid_date", "日期格式应为 YYYY-MM-DD")
        }
        if let intent = q.intent, !intent.isEmpty, intent != "none", Intent(rawValue: intent) == nil {
            throw KefuError(.invalid, "invalid_intent", "没有这个意图：\(intent)")
        }
        let period = try HotTopics.Period(from: from, to: to)
        // "none" asks for what had no intent or district; the store keeps those as the empty string.
        let filter = TopicRepository.Filter(
            intent: q.intent.map { $0 == "none" ? "" : $0 }, district: q.district.map { $0 == "none" ? "" : $0 },
            source: q.source.flatMap { HotTopics.Source(rawValue: $0.rawValue) }
        )
        let report = try await HotTopicsDesk(store: store, brain: brain, now: now).report(period, filter, limit: q.limit ?? 20, for: principal)
        if q.format == .csv { return .ok(.init(body: .csv(HTTPBody(HotTopicsDesk.csv(report))))) }
        func topic(_ t: TopicRepository.Topic) -> Components.Schemas.HotTopic {
            .init(
                keyword: t.count.keyword, count: t.count.count, previous: t.count.previous, ratio: t.count.ratio,
                intents: t.intents.map { .init(value: $0.value, label: HotTopicsDesk.intentLabel($0.value), count: $0.count) },
                districts: t.districts.map { .init(value: $0.value, label: $0.value.isEmpty ? "未知" : $0.value, count: $0.count) },
                samples: t.samples.map { .init(source: .init(rawValue: $0.source.rawValue)!, contactId: $0.contactId, at: $0.at, text: $0.text) }
            )
        }
        let previous = period.previous
        return .ok(.init(body: .json(.init(
            from: period.from.description, to: period.to.description, previousFrom: previous.from.description,
            previousTo: previous.to.description, indexedUntil: report.indexedUntil, frequent: report.frequent.map(topic),
            rising: report.rising.map(topic)
        ))))
    }
}
