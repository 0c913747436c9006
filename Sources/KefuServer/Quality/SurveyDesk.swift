import Foundation
import KefuCore
import KefuStore

/// Takes survey answers, from the chat socket and the REST API alike: finds the contact, asks
/// `SurveyPolicy` and `SurveyRules`, and stores one answer per contact credited to the agent who
/// handled it last. What the chat does once rated (thanks, closing) is the chat desk's.
struct SurveyDesk: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    /// The chat or ticket a survey is about, as it is now.
    func contact(_ kind: ContactKind, _ id: String) async throws -> RatedContact {
        switch kind {
        case .chat:
            guard let c = try await store.chat.conversation(id: id) else { throw KefuError.notFound("会话") }
            return RatedContact(chat: c)
        case .ticket:
            guard let t = try await store.tickets.ticket(id: id) else { throw KefuError.notFound("工单") }
            return RatedContact(ticket: t)
        }
    }

    func answer(_ answer: SurveyAnswer, to contact: RatedContact, by principal: Principal) async throws -> SurveyResponse {
        try SurveyPolicy.answer(principal, contact).require(contact.kind == .chat ? "会话" : "工单")
        guard let ownerId = contact.ownerId else { throw KefuError.notFound("会话") }
        let at = now()
        let accepted = try SurveyRules.accept(answer, for: contact, now: at).get()
        let response = SurveyResponse(
            id: Store.newID("svy"), contactKind: contact.kind, contactId: contact.id, ownerId: ownerId,
            agentId: accepted.kind == .bot ? nil : contact.agentId, skill: contact.skill, endedAt: contact.endedAt, answeredAt: at, answer: accepted
        )
        guard try await store.surveys.record(response) else { throw SurveyRules.Problem.alreadyAnswered }
        CentreMetrics.rated(accepted)
        return response
    }

    /// The customer's or visitor's surveys they may still answer.
    func open(for principal: Principal) async throws -> [SurveyRepository.Open] {
        let ownerId: String
        switch principal {
        case .customer(let id, _): ownerId = id
        case .visitor(let id): ownerId = id
        case .staff: throw KefuError.forbidden
        }
        return try await store.surveys.open(ownerId: ownerId, since: now().addingTimeInterval(-SurveyRules.window))
    }
}
