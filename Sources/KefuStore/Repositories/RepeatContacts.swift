import Foundation
import KefuCore
import SQLKit

/// First-contact resolution's "no new contact on the same problem within 7 days", kept as the contacts
/// come instead of searched for by the report: each new chat, hand-over and ticket marks, in its own
/// transaction, the customer's contacts that ended in the 7 days before it on the same intent (any
/// intent, for a contact whose intent was unknown). The report then reads one column per contact,
/// which keeps a month of 100,000 chats within its 300 ms (docs/benchmarks.md).
enum RepeatContacts {
    /// `at` is when the new contact began (a chat's creation, even when its intent comes with the
    /// hand-over later); `intent` nil when the new contact's problem is not known yet. A ticket opened
    /// from a chat is part of that chat's contact and does not mark it.
    static func mark(
        customerId: String?, intent: Intent?, at: Date, exceptChat: String?, exceptTicket: String?, _ db: any SQLDatabase
    ) async throws {
        guard let customerId else { return }
        let since = at.addingTimeInterval(-QualityTargets.repeatWindow)
        let sameProblem: SQLQueryString = intent.map { " AND (intent IS NULL OR intent = \(bind: $0.rawValue))" } ?? " AND intent IS NULL"
        // Both tables spell a contact's end the same way.
        let end = "COALESCE(resolved_at, closed_at)"
        var chats = SQLQueryString("UPDATE conversations SET repeated = \(bind: true) WHERE customer_id = \(bind: customerId)") +
            " AND repeated = \(bind: false) AND \(unsafeRaw: end) < \(bind: at) AND \(unsafeRaw: end) >= \(bind: since)" + sameProblem
        if let exceptChat { chats = chats + " AND id <> \(bind: exceptChat)" }
        try await db.raw(chats).run()
        var tickets = SQLQueryString("UPDATE tickets SET repeated = \(bind: true) WHERE customer_id = \(bind: customerId)") +
            " AND repeated = \(bind: false) AND \(unsafeRaw: end) < \(bind: at) AND \(unsafeRaw: end) >= \(bind: since)" + sameProblem
        if let exceptChat { tickets = tickets + " AND (conversation_id IS NULL OR conversation_id <> \(bind: exceptChat))" }
        if let exceptTicket { tickets = tickets + " AND id <> \(bind: exceptTicket)" }
        try await db.raw(tickets).run()
    }
}
