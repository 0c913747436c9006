/// An attachment belongs to the chat it was uploaded to: whoever may read that chat may read it.
public enum AttachmentPolicy {
    public static func read(_ principal: Principal, of conversation: Conversation) -> Access {
        ConversationPolicy.access(principal, .readHistory, conversation)
    }

    /// Uploading belongs to taking part in the chat.
    public static func upload(_ principal: Principal, to conversation: Conversation) -> Access {
        ConversationPolicy.access(principal, .converse, conversation)
    }
}
