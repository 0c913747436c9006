import Foundation
import KefuCore
@testable import KefuStore
import SQLKit
import Synchronization
import Testing

/// What group commit keeps of each transaction's promise: all of it or none, even when its neighbours in
/// the group fail; an answer only after the commit; reads that do not wait behind a write.
@Suite struct GroupCommitTests {
    static func entry(_ id: String) -> AuditEntry {
        AuditEntry(id: id, at: Date(), actorKind: "test", actorId: "t", action: "x", targetType: "t", targetId: id)
    }

    struct Refused: Error, Equatable { let n: Int }

    @Test(arguments: TestDatabases.Kind.allCases.filter { $0 != .postgres || TestDatabases.postgresURL != nil })
    func concurrentTransactionsEachAllOrNothing(_ kind: TestDatabases.Kind) async throws {
        try await TestDatabases.with(kind) { db in
            // 200 at once; every tenth writes two rows and then fails, and must leave neither.
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<200 {
                    group.addTask {
                        do {
                            try await db.transaction { sql in
                                try await AuditRepository.append(Self.entry("g-\(n)"), in: sql)
                                if n % 10 == 0 {
                                    try await AuditRepository.append(Self.entry("g-\(n)-b"), in: sql)
                                    throw Refused(n: n)
                                }
                            }
                            return (n, true)
                        } catch let refused as Refused {
                            #expect(refused.n == n)
                            return (n, false)
                        }
                    }
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.values.filter { $0 }.count == 180)
            let stored = try await db.read { sql in
                try await sql.select().column("id").from("audit_log").where("id", .like, "g-%").all().map { try $0.decode(column: "id", as: String.self) }
            }
            #expect(Set(stored) == Set((0..<200).filter { $0 % 10 != 0 }.map { "g-\($0)" }))
            // A failed body's own error reaches its caller, and a later transaction is unaffected.
            await #expect(throws: Refused(n: -1)) { try await db.transaction { _ in throw Refused(n: -1) } }
            try await db.transaction { try await AuditRepository.append(Self.entry("g-after"), in: $0) }
            #expect(try await db.read { try await $0.select().column("id").from("audit_log").where("id", .equal, "g-after").first() } != nil)
        }
    }

    /// On a file, reads have connections of their own: one finishes while a transaction holds the writer.
    @Test func aReadDoesNotWaitForTheWriter() async throws {
        try await TestDatabases.with(.sqliteFile) { db in
            try await db.transaction { try await AuditRepository.append(Self.entry("r-0"), in: $0) }
            let order = Mutex<[String]>([])
            let writerHolds = Mutex(false)
            async let writing: Void = db.transaction { sql in
                writerHolds.withLock { $0 = true }
                try await AuditRepository.append(Self.entry("r-1"), in: sql)
                // Held until the read below has finished, or for at most five seconds.
                for _ in 0..<500 where order.withLock({ !$0.contains("read") }) { try await Task.sleep(for: .milliseconds(10)) }
                order.withLock { $0.append("write") }
            }
            while !writerHolds.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
            let seen = try await db.read { sql in
                try await sql.select().column("id").from("audit_log").where("id", .like, "r-%").all().map { try $0.decode(column: "id", as: String.self) }
            }
            order.withLock { $0.append("read") }
            try await writing
            #expect(order.withLock { $0 } == ["read", "write"])
            // The read saw what was committed, not the write in progress.
            #expect(seen == ["r-0"])
            // And a reader connection cannot write.
            await #expect(throws: (any Error).self) { try await db.read { try await AuditRepository.append(Self.entry("r-x"), in: $0) } }
        }
    }

    /// `readOne` is for one statement: a second would see another committed state with no transaction
    /// to hold the first, so it is refused, on every database.
    @Test(arguments: TestDatabases.Kind.allCases.filter { $0 != .postgres || TestDatabases.postgresURL != nil })
    func aSecondStatementInReadOneIsRefused(_ kind: TestDatabases.Kind) async throws {
        try await TestDatabases.with(kind) { db in
            let one = try await db.readOne { sql in try await sql.raw("SELECT 41 + 1 AS n").first()?.decode(column: "n", as: Int.self) }
            #expect(one == 42)
            await #expect(throws: OneStatement.SecondStatement.self) {
                try await db.readOne { sql in
                    _ = try await sql.raw("SELECT 1").all()
                    _ = try await sql.raw("SELECT 2").all()
                }
            }
        }
    }
}
