import Foundation

/// QA scores: QA, team leads and admins read every one, an agent the scores of chats they handled.
/// QA adjusts and re-scores, never a score of their own chat; admins keep the rules.
public enum QAScorePolicy {
    public static func listScope(_ principal: Principal) throws -> ReviewPolicy.Scope {
        try ReviewPolicy.listScope(principal)
    }

    public static func read(_ principal: Principal, _ score: QAScore) -> Access {
        guard case .staff = principal else { return .forbidden }
        if principal.has(.qualityRead) { return .allowed }
        return score.agentId == principal.actorID ? .allowed : .hidden
    }

    public static func adjust(_ principal: Principal, _ score: QAScore) -> Access {
        let readable = read(principal, score)
        guard readable == .allowed else { return readable }
        return principal.has(.qaAdjust) && score.agentId != principal.actorID ? .allowed : .forbidden
    }

    public static func manageRules(_ principal: Principal) -> Access {
        principal.has(.qaRulesManage) ? .allowed : .forbidden
    }
}
