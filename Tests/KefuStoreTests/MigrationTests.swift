import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Testing

/// A migration that reshapes stored data is run on data written in the schema before it.
@Suite struct MigrationTests {
    @Test func attachmentsBecomeOnePerConversationOnSQLite() async throws {
        try await Self.attachmentsSharedByContentBecomeOnePerConversation(.sqlite)
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run on PostgreSQL"))
    func attachmentsBecomeOnePerConversationOnPostgreSQL() async throws {
        try await Self.attachmentsSharedByContentBecomeOnePerConversation(.postgres)
    }

    static func attachmentsSharedByContentBecomeOnePerConversation(_ kind: TestDatabases.Kind) async throws {
        try await TestDatabases.with(kind, migratedThrough: 6) { db in
            let store = Store(database: db)
            // Only the customers the chats need: the demo loader writes today's columns, which schema 6 lacks.
            var generator = DemoGenerator(customerCount: 5, asOf: StoreContract.day)
            let customers = generator.generate().customers
            try await db.transaction { sql in try await CustomerRepository.insert(sql, customers) }
            try await db.transaction { sql in
                for (id, customer, last) in [("conv-a", "cus-100000", 3), ("conv-b", "cus-100001", 2)] {
                    try await sql.insert(into: "conversations")
                        .columns("id", "customer_id", "visitor_name", "state", "skill", "vip", "last_seq", "created_at")
                        .values(SQLBind(id), SQLBind(customer), SQLBind("客户"), SQLBind("bot"), SQLBind("mobile"), SQLBind(false), SQLBind(last), SQLBind(Date()))
                        .run()
                }
            }
            let bytes = Data([0x89, 0x50, 0x4E, 0x47] + Array(repeating: UInt8(3), count: 300))
            let shared = String(repeating: "ab", count: 32)
            try await db.transaction { sql in
                for (id, data) in [(shared, bytes), (String(repeating: "cd", count: 32), Data([1, 2, 3]))] {
                    try await sql.insert(into: "attachments").columns("id", "mime", "size", "data", "created_at")
                        .values(SQLBind(id), SQLBind("image/png"), SQLBind(data.count), SQLBind(data), SQLBind(Date())).run()
                }
            }
            // Rows as schema 6 had them (the store's own append writes today's columns).
            try await db.transaction { sql in
                for (conversation, seq) in [("conv-a", 2), ("conv-a", 3), ("conv-b", 2)] {
                    try await sql.insert(into: "chat_messages")
                        .columns("conversation_id", "seq", "client_id", "sender", "text", "attachment_id", "attachment_mime", "created_at")
                        .values(SQLBind(conversation), SQLBind(seq), SQLBind("c\(seq)"), SQLBind("customer"), SQLBind(""), SQLBind(shared), SQLBind("image/png"), SQLBind(Date()))
                        .run()
                }
            }

            #expect(try await db.migrate(through: 7) == [7])
            try await db.migrate()

            let a = try await store.chat.messages(conversationId: "conv-a", after: 0).compactMap(\.attachmentId)
            let b = try await store.chat.messages(conversationId: "conv-b", after: 0).compactMap(\.attachmentId)
            #expect(a.count == 2 && Set(a).count == 1 && b.count == 1)
            #expect(a[0] != b[0] && a[0] != shared && a[0].hasPrefix("att-"))
            for (id, conversation) in [(a[0], "conv-a"), (b[0], "conv-b")] {
                let found = try #require(try await store.chatTools.attachment(id: id))
                #expect(found.conversationId == conversation && found.data == bytes && found.mime == "image/png")
            }
            #expect(try await store.chatTools.attachmentMime(id: a[0], in: "conv-b") == nil)
        }
    }
}
