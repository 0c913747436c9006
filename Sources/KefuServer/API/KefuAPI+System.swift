import Foundation
import KefuCore
import KefuStore
import OpenAPIRuntime

extension KefuAPI {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        do {
            try await store.database.ping()
        } catch {
            logger.error("health check failed", metadata: ["error": "\(error)"])
            throw KefuError(.unavailable, "unavailable", "数据库暂不可用")
        }
        return .ok(.init(body: .json(.init(status: .ok))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        FloorMetrics.record(chat.hub.floor, connections: chat.hub.connectionCount, at: now(), into: metrics)
        var buffer: [UInt8] = []
        metrics.emit(into: &buffer)
        return .ok(.init(body: .plainText(HTTPBody(buffer))))
    }
}
