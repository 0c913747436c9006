import Foundation
import KefuCore
import KefuStore

/// Who a stored session stands for, now: the one reading shared by the HTTP middleware and the
/// chat socket's periodic re-check, so a disabled account or an ended session is refused alike by both.
struct SessionResolver: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    /// The live session under `tokenHash` and its principal; nil once it has ended, expired or its
    /// account was disabled.
    func resolve(tokenHash: String) async throws -> (Principal, StoredSession)? {
        guard let session = try await store.sessions.find(tokenHash: tokenHash, now: now()),
              !session.principalKind.hasPrefix(SocketPass.kindPrefix),
              let principal = try await principal(for: session)
        else { return nil }
        return (principal, session)
    }

    /// Spends a one-use socket pass. What it opens is its parent session, which must still be live:
    /// a pass taken just before a logout opens nothing after it.
    func redeem(pass: String) async throws -> (Principal, StoredSession)? {
        let hash = Tokens.hash(pass)
        guard let stored = try await store.sessions.find(tokenHash: hash, now: now()), stored.principalKind.hasPrefix(SocketPass.kindPrefix)
        else { return nil }
        try await store.sessions.delete(tokenHash: hash)
        guard let parent = stored.parentTokenHash else { return nil }
        return try await resolve(tokenHash: parent)
    }

    private func principal(for session: StoredSession) async throws -> Principal? {
        switch session.principalKind {
        case "staff":
            guard let user = try await store.staff.find(id: session.principalID), !user.disabled else { return nil }
            return .staff(id: user.id, username: user.username, role: user.role, agentNo: user.agentNo)
        case "customer":
            guard let customer = try await store.customers.find(id: session.principalID) else { return nil }
            return .customer(id: customer.id, phone: customer.contactPhone)
        case "visitor":
            return .visitor(id: session.principalID)
        default:
            return nil
        }
    }
}
