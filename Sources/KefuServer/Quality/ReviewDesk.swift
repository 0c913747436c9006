import Foundation
import KefuCore
import KefuStore

/// 差评复盘 as people work it: the queue each sees (everything for QA and leads, their own for an agent),
/// one task, and the three acts (finding, appeal, decision), each checked by `ReviewPolicy` on the
/// locked row and audited with it. The overdue sweep is the periodic job's.
struct ReviewDesk: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    /// The queue's tabs.
    enum Tab: String, Sendable, CaseIterable {
        case open, overdue, concluded, appealed, decided, all
    }

    struct Queue: Sendable {
        var reviews: [RatingReview]
        var counts: ReviewRepository.Counts
        var people: [String: StaffUser]
    }

    func queue(_ tab: Tab, agentId: String?, limit: Int, for principal: Principal) async throws -> Queue {
        var filter = ReviewRepository.Filter()
        filter.limit = limit
        switch try ReviewPolicy.listScope(principal) {
        case .all: filter.agentId = agentId
        case .creditedTo(let own):
            // An agent asking for someone else's reviews sees none rather than their own under another name.
            if let agentId, agentId != own { return Queue(reviews: [], counts: .init(), people: [:]) }
            filter.agentId = own
        }
        let at = now()
        switch tab {
        case .open: filter.status = [.open]
        case .overdue: filter.overdueAt = at
        case .concluded: filter.status = [.concluded]
        case .appealed: filter.status = [.appealed]
        case .decided: filter.status = [.decided]
        case .all: break
        }
        async let reviews = store.reviews.list(filter)
        async let counts = store.reviews.counts(agentId: filter.agentId, now: at)
        let found = try await reviews
        return Queue(reviews: found, counts: try await counts, people: try await people(in: found))
    }

    func review(_ id: String, for principal: Principal) async throws -> (RatingReview, [String: StaffUser]) {
        guard let review = try await store.reviews.review(id: id) else { throw KefuError.notFound("差评复盘") }
        try ReviewPolicy.read(principal, review).require("差评复盘")
        return (review, try await people(in: [review]))
    }

    func act(_ action: ReviewAction, on id: String, by acting: Acting) async throws -> RatingReview {
        let principal = acting.principal
        let at = now()
        let audit = acting.audit(action.name, targetType: "review", targetId: id, detail: Self.detail(action), at: at)
        return try await store.reviews.apply(action, reviewId: id, actorId: principal.actorID, now: at, audit: audit) { review in
            try ReviewPolicy.act(principal, action, review).require("差评复盘")
        }
    }

    /// Everyone a list of reviews names: the agents credited, QA who found, leads who decided.
    func people(in reviews: [RatingReview]) async throws -> [String: StaffUser] {
        let ids = Set(reviews.flatMap { [$0.agentId, $0.finding?.by, $0.decision?.by].compactMap { $0 } })
        return try await store.staff.find(ids: ids)
    }

    /// What the audit line keeps: the decision's values, not the free text (which the review row holds).
    private static func detail(_ action: ReviewAction) -> String {
        switch action {
        case .conclude(let cause, _, let calledBack): "cause=\(cause.rawValue) calledBack=\(calledBack)"
        case .appeal: "appeal"
        case .decide(let upheld, _): upheld ? "upheld" : "overturned"
        }
    }
}
