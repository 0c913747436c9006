/// Transcripts (the chat's "recording") are for staff: QA and team leads read every one, agents the
/// chats they hold.
public enum TranscriptPolicy {
    /// Which transcripts a search may return.
    public enum Scope: Sendable, Equatable {
        case all
        case heldBy(agentId: String)
    }

    /// The search's scope, or the refusal for someone who may search none.
    public static func searchScope(_ principal: Principal) throws -> Scope {
        if principal.has(.transcriptRead) { return .all }
        if principal.has(.chatHandle) { return .heldBy(agentId: principal.actorID) }
        throw KefuError.forbidden
    }

    public static func access(_ principal: Principal, _ conversation: Conversation) -> Access {
        if principal.has(.transcriptRead) { return .allowed }
        if principal.has(.chatHandle), conversation.agentId == principal.actorID { return .allowed }
        return .hidden
    }
}
