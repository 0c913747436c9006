import Foundation
import KefuCore
import KefuStore
import OpenAPIRuntime

/// 差评复盘 over REST: the queue, one task, and its three acts; `ReviewDesk` owns the rules' order.
extension KefuAPI {
    var reviews: ReviewDesk { ReviewDesk(store: store, now: now) }

    func listReviews(_ input: Operations.ListReviews.Input) async throws -> Operations.ListReviews.Output {
        let principal = try requirePrincipal()
        let tab = input.query.tab.flatMap { ReviewDesk.Tab(rawValue: $0.rawValue) } ?? .open
        let queue = try await reviews.queue(tab, agentId: input.query.agentId, limit: input.query.limit ?? 200, for: principal)
        let at = now()
        let counts = queue.counts
        return .ok(.init(body: .json(.init(
            counts: .init(
                open: counts.byStatus[.open] ?? 0, overdue: counts.overdue, concluded: counts.byStatus[.concluded] ?? 0,
                appealed: counts.byStatus[.appealed] ?? 0, decided: counts.byStatus[.decided] ?? 0
            ),
            items: queue.reviews.map { .init($0, people: queue.people, customerId: nil, for: principal, at: at) }
        ))))
    }

    func getReview(_ input: Operations.GetReview.Input) async throws -> Operations.GetReview.Output {
        let principal = try requirePrincipal()
        let (review, people) = try await reviews.review(input.path.reviewId, for: principal)
        return .ok(.init(body: .json(try await view(review, people: people, for: principal))))
    }

    func concludeReview(_ input: Operations.ConcludeReview.Input) async throws -> Operations.ConcludeReview.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let action = ReviewAction.conclude(cause: body.cause, action: body.action, calledBack: body.calledBack)
        return .ok(.init(body: .json(try await act(action, on: input.path.reviewId))))
    }

    func appealReview(_ input: Operations.AppealReview.Input) async throws -> Operations.AppealReview.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        return .ok(.init(body: .json(try await act(.appeal(text: body.text), on: input.path.reviewId))))
    }

    func decideReview(_ input: Operations.DecideReview.Input) async throws -> Operations.DecideReview.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        return .ok(.init(body: .json(try await act(.decide(upheld: body.upheld, note: body.note), on: input.path.reviewId))))
    }

    private func act(_ action: ReviewAction, on id: String) async throws -> Components.Schemas.RatingReview {
        let principal = try requirePrincipal()
        let review = try await reviews.act(action, on: id, by: acting(principal))
        return try await view(review, people: try await reviews.people(in: [review]), for: principal)
    }

    /// One task as its page shows it, with the customer whose record sits beside it.
    private func view(_ review: RatingReview, people: [String: StaffUser], for principal: Principal) async throws -> Components.Schemas.RatingReview {
        let customerId: String? = switch review.contactKind {
        case .ticket: review.ownerId
        case .chat: try await store.chat.conversation(id: review.contactId)?.customerId
        }
        return .init(review, people: people, customerId: customerId, for: principal, at: now())
    }
}

extension Components.Schemas.StaffRef {
    /// A person a review names, by name and 工号; an account since deleted is said to be one, never shown by its id.
    init(_ id: String, _ people: [String: StaffUser]) {
        let person = people[id]
        self.init(id: id, name: person?.displayName ?? "已删除的账号", agentNo: person?.agentNo)
    }
}

extension Components.Schemas.RatingReview {
    init(_ review: KefuCore.RatingReview, people: [String: StaffUser], customerId: String?, for principal: Principal, at now: Date) {
        let r = PersonalData.shown(review, to: principal)
        self.init(
            id: r.id, surveyId: r.surveyId, contactKind: r.contactKind, contactId: r.contactId, customerId: customerId,
            agent: r.agentId.map { .init($0, people) }, skill: r.skill.rawValue, csat: r.csat, reason: r.reason, comment: r.comment,
            openedAt: r.openedAt, dueAt: r.dueAt, status: r.status, overdue: r.isOverdue(at: now), late: r.missedDeadline(at: now),
            overdueAt: r.overdueAt,
            finding: r.finding.map { f in
                .init(cause: f.cause, action: f.action, calledBack: f.calledBack, by: .init(f.by, people), at: f.at)
            },
            appealUntil: r.appealUntil, appeal: r.appeal.map { .init(text: $0.text, at: $0.at) },
            decision: r.decision.map { d in .init(upheld: d.upheld, note: d.note, by: .init(d.by, people), at: d.at) },
            allowed: ReviewPolicy.allowed(principal, r, at: now)
        )
    }
}
