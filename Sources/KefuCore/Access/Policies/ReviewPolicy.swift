import Foundation

/// Reviews of negative ratings: QA and team leads see every one, an agent the ones credited to them.
/// QA records findings, the agent credited appeals, a team lead decides. Customers never see them.
public enum ReviewPolicy {
    public enum Scope: Sendable, Equatable {
        case all
        case creditedTo(agentId: String)
    }

    public static func listScope(_ principal: Principal) throws -> Scope {
        if principal.has(.qualityRead) { return .all }
        if principal.has(.chatHandle) || principal.has(.ticketHandle) { return .creditedTo(agentId: principal.actorID) }
        throw KefuError.forbidden
    }

    public static func read(_ principal: Principal, _ review: RatingReview) -> Access {
        guard case .staff = principal else { return .forbidden }
        if principal.has(.qualityRead) { return .allowed }
        return review.agentId == principal.actorID ? .allowed : .hidden
    }

    public static func act(_ principal: Principal, _ action: ReviewAction, _ review: RatingReview) -> Access {
        let readable = read(principal, review)
        guard readable == .allowed else { return readable }
        // Nobody judges a rating of their own service: a lead who took the chat neither finds nor decides.
        let own = review.agentId == principal.actorID
        switch action {
        case .conclude: return principal.has(.reviewConclude) && !own ? .allowed : .forbidden
        case .appeal: return own ? .allowed : .forbidden
        case .decide: return principal.has(.reviewDecide) && !own ? .allowed : .forbidden
        }
    }

    /// What `principal` may do to `review` at `now`: the policy says who, the state machine, tried on a
    /// copy with acceptable words, says when; so a page offers exactly the buttons that would work.
    public static func allowed(_ principal: Principal, _ review: RatingReview, at now: Date) -> [ReviewAction.Kind] {
        let probes: [ReviewAction] = [.conclude(cause: .agent, action: "复盘", calledBack: false), .appeal(text: "申诉"), .decide(upheld: true, note: "裁定")]
        return probes.compactMap { action in
            guard act(principal, action, review).isAllowed else { return nil }
            var copy = review
            return (try? action.apply(to: &copy, by: principal.actorID, at: now)) != nil ? action.kind : nil
        }
    }
}
