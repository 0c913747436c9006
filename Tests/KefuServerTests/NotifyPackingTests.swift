import Foundation
@testable import KefuServer
import Testing

/// Events bound for other nodes leave in batches packed into notifications PostgreSQL accepts.
@Suite struct NotifyPackingTests {
    @Test func envelopesArePackedInOrderUnderTheLimit() throws {
        let envelopes = (0..<500).map { n in #"{"node":"a","agentIds":["staff-\#(n)"],"frame":"\#(String(repeating: "字", count: n % 300))"}"# }
        let payloads = PostgresChatHub.pack(envelopes)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.utf8.count <= PostgresChatHub.payloadLimit })
        let unpacked = try payloads.flatMap { payload in
            try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [[String: Any]])
        }
        #expect(unpacked.map { ($0["agentIds"] as? [String])?.first } == (0..<500).map { "staff-\($0)" })
        #expect(PostgresChatHub.pack([]).isEmpty)
        #expect(PostgresChatHub.pack([#"{"node":"a","agentIds":[]}"#]) == [#"[{"node":"a","agentIds":[]}]"#])
    }
}
