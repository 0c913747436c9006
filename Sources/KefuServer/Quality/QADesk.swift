import Foundation
import KefuCore
import KefuStore

/// Automatic QA scores as people use them: the list each may see with its summary (everyone's for QA
/// and leads, their own for an agent), one score, QA's adjustment and re-scoring, and the rules'
/// versions, which admins publish. Scoring itself happens where a chat closes, in the store.
struct QADesk: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    struct Listing: Sendable {
        var scores: [QAScore]
        var summary: QAScoreRepository.Summary
        var people: [String: StaffUser]
    }

    func list(_ period: ReportPeriod, agentId: String?, below: Int?, limit: Int, for principal: Principal) async throws -> Listing {
        var filter = QAScoreRepository.Filter()
        (filter.from, filter.to, filter.below, filter.limit) = (period.from, period.to, below, limit)
        switch try QAScorePolicy.listScope(principal) {
        case .all: filter.agentId = agentId
        case .creditedTo(let own):
            if let agentId, agentId != own { return Listing(scores: [], summary: .init(), people: [:]) }
            filter.agentId = own
        }
        async let scores = store.qaScores.list(filter)
        async let summary = store.qaScores.summary(filter)
        let found = try await scores
        return Listing(scores: found, summary: try await summary, people: try await people(in: found))
    }

    func score(_ conversationId: String, for principal: Principal) async throws -> (QAScore, [String: StaffUser]) {
        guard let score = try await store.qaScores.score(conversationId: conversationId) else { throw KefuError.notFound("质检评分") }
        try QAScorePolicy.read(principal, score).require("质检评分")
        return (score, try await people(in: [score]))
    }

    func adjust(_ conversationId: String, to value: Int, note: String, by acting: Acting) async throws -> QAScore {
        let principal = acting.principal
        let at = now()
        let audit = acting.audit("qa.adjust", targetType: "conversation", targetId: conversationId, detail: "score=\(value)", at: at)
        return try await store.qaScores.adjust(
            conversationId: conversationId, to: value, note: note, by: principal.actorID, now: at, audit: audit
        ) { score in
            try QAScorePolicy.adjust(principal, score).require("质检评分")
        }
    }

    func rescore(_ conversationId: String, by acting: Acting) async throws -> QAScore {
        let principal = acting.principal
        let at = now()
        let audit = acting.audit("qa.rescore", targetType: "conversation", targetId: conversationId, at: at)
        return try await store.qaScores.rescore(conversationId: conversationId, now: at, audit: audit) { score in
            try QAScorePolicy.adjust(principal, score).require("质检评分")
        }
    }

    /// Every version, newest first; any member of staff may read how chats are judged.
    func rules(for principal: Principal) async throws -> [QARules] {
        guard case .staff = principal else { throw KefuError.forbidden }
        return try await store.qaScores.rules()
    }

    /// Publishes `draft` as the next version, in force from now; chats closed before keep theirs.
    func publish(_ draft: QARules, by acting: Acting) async throws -> QARules {
        try QAScorePolicy.manageRules(acting.principal).require("质检规则")
        let problems = draft.problems()
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let at = now()
        let points = draft.items.map { "\($0.check.rawValue)=\($0.points)" }.joined(separator: " ")
        let audit = acting.audit("qa.rules.publish", targetType: "qa_rules", targetId: "", detail: points, at: at)
        return try await store.qaScores.publish(draft, by: acting.principal.actorID, now: at, audit: audit)
    }

    func people(in scores: [QAScore]) async throws -> [String: StaffUser] {
        try await store.staff.find(ids: Set(scores.flatMap { [$0.agentId, $0.adjustment?.by].compactMap { $0 } }))
    }
}
