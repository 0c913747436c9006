@testable import KefuServer
import Logging
import Testing

/// Freed memory is handed back once per burst of closed sockets, not on every pass of the job.
@Suite struct MemoryReturnTests {
    @Test func aTrimFollowsEachThresholdOfClosedConnections() {
        let memory = MemoryReturn(threshold: 1_000, logger: Logger(label: "test"))
        #expect(!memory.tend(closedConnections: 0))
        #expect(!memory.tend(closedConnections: 999))
        #expect(memory.tend(closedConnections: 1_000))
        #expect(!memory.tend(closedConnections: 1_000), "nothing closed since")
        #expect(!memory.tend(closedConnections: 1_999))
        #expect(memory.tend(closedConnections: 2_400))
        #expect(!memory.tend(closedConnections: 3_399), "counted from the last trim")
        #expect(memory.tend(closedConnections: 3_400))
    }
}
