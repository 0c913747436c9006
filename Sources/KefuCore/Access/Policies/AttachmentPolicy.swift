/// An attachment is read through the chats it was sent in: whoever may read one of them may read it.
public enum AttachmentPolicy {
    public static func read(_ principal: Principal, sentIn conversations: [Conversation]) -> Access {
        conversations.contains { ConversationPolicy.access(principal, .readHistory, $0).isAllowed } ? .allowed : .hidden
    }

    /// Uploading belongs to taking part in the chat.
    public static func upload(_ principal: Principal, to conversation: Conversation) -> Access {
        ConversationPolicy.access(principal, .converse, conversation)
    }
}
