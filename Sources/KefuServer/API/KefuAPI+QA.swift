import Foundation
import KefuCore
import KefuStore
import OpenAPIRuntime

/// Automatic QA scores over REST: the list with its summary, one score, QA's adjustment and
/// re-scoring, and the rules' versions; `QADesk` owns who may do what.
extension KefuAPI {
    var qa: QADesk { QADesk(store: store, now: now) }

    func listQAScores(_ input: Operations.ListQAScores.Input) async throws -> Operations.ListQAScores.Output {
        let principal = try requirePrincipal()
        let period = try ReportPeriod(from: input.query.from, to: input.query.to)
        let listing = try await qa.list(
            period, agentId: input.query.agentId, below: input.query.below, limit: input.query.limit ?? 200, for: principal
        )
        let s = listing.summary
        return .ok(.init(body: .json(.init(
            summary: .init(
                count: s.count, average: s.average, adjusted: s.adjusted,
                checks: QACheck.allCases.map { .init(check: $0, label: $0.label, applicable: s.applicable[$0] ?? 0, passed: s.passed[$0] ?? 0) }
            ),
            items: listing.scores.map { .init($0, people: listing.people, customerId: nil, for: principal) }
        ))))
    }

    func getQAScore(_ input: Operations.GetQAScore.Input) async throws -> Operations.GetQAScore.Output {
        let principal = try requirePrincipal()
        let (score, people) = try await qa.score(input.path.conversationId, for: principal)
        return .ok(.init(body: .json(try await view(score, people: people, for: principal))))
    }

    func adjustQAScore(_ input: Operations.AdjustQAScore.Input) async throws -> Operations.AdjustQAScore.Output {
        let principal = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let score = try await qa.adjust(input.path.conversationId, to: body.score, note: body.note, by: acting(principal))
        return .ok(.init(body: .json(try await view(score, people: try await qa.people(in: [score]), for: principal))))
    }

    func rescoreQA(_ input: Operations.RescoreQA.Input) async throws -> Operations.RescoreQA.Output {
        let principal = try requirePrincipal()
        let score = try await qa.rescore(input.path.conversationId, by: acting(principal))
        return .ok(.init(body: .json(try await view(score, people: try await qa.people(in: [score]), for: principal))))
    }

    func getQARules(_ input: Operations.GetQARules.Input) async throws -> Operations.GetQARules.Output {
        let principal = try requirePrincipal()
        let versions = try await qa.rules(for: principal)
        let people = try await store.staff.find(ids: Set(versions.map(\.createdBy)))
        return .ok(.init(body: .json(.init(
            versions: versions.map { .init($0, people: people) },
            checks: QACheck.allCases.map { .init(check: $0, label: $0.label) },
            canPublish: QAScorePolicy.manageRules(principal).isAllowed
        ))))
    }

    func publishQARules(_ input: Operations.PublishQARules.Input) async throws -> Operations.PublishQARules.Output {
        let principal = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let draft = QARules(
            version: 0, items: body.items, firstResponseSeconds: body.firstResponseSeconds, silenceSeconds: body.silenceSeconds,
            greetingWords: body.greetingWords, closingPhrases: body.closingPhrases, soothingPhrases: body.soothingPhrases, note: body.note,
            createdBy: principal.actorID, createdAt: now()
        ).tidied
        let published = try await qa.publish(draft, by: acting(principal))
        return .created(.init(body: .json(.init(published, people: try await store.staff.find(ids: [published.createdBy])))))
    }

    /// One score as its page shows it, with the customer whose record sits beside it.
    private func view(_ score: QAScore, people: [String: StaffUser], for principal: Principal) async throws -> Components.Schemas.QAScore {
        .init(score, people: people, customerId: try await store.chat.conversation(id: score.conversationId)?.customerId, for: principal)
    }
}

extension Components.Schemas.QAScore {
    init(_ score: KefuCore.QAScore, people: [String: StaffUser], customerId: String?, for principal: Principal) {
        let s = PersonalData.shown(score, to: principal)
        self.init(
            conversationId: s.conversationId, customerId: customerId, agent: .init(s.agentId, people), skill: s.skill.rawValue,
            closedAt: s.closedAt, rulesVersion: s.rulesVersion, automatic: s.automatic, final: s.final, items: s.items,
            adjustment: s.adjustment.map { .init(score: $0.score, note: $0.note, by: .init($0.by, people), at: $0.at) },
            scoredAt: s.scoredAt, canAdjust: QAScorePolicy.adjust(principal, s).isAllowed
        )
    }
}

extension Components.Schemas.QARulesVersion {
    init(_ r: QARules, people: [String: StaffUser]) {
        self.init(
            version: r.version, items: r.items, firstResponseSeconds: r.firstResponseSeconds, silenceSeconds: r.silenceSeconds,
            greetingWords: r.greetingWords, closingPhrases: r.closingPhrases, soothingPhrases: r.soothingPhrases, note: r.note,
            // The standard first version is nobody's.
            by: r.createdBy == QARules.standard.createdBy ? nil : .init(r.createdBy, people), createdAt: r.createdAt
        )
    }
}
