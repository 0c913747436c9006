import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An outside service spoken to with JSON over HTTP: the SMS gateway and the face verification provider
/// (with a bearer key) and webhook receivers (signed instead). It posts, tells transport failures apart,
/// and retries what is worth retrying.
struct JSONEndpoint: Sendable {
    let url: String
    let apiKey: String?
    let client: HTTPClient
    let timeout: TimeAmount
    let attempts: Int

    enum TransportError: Error, Equatable {
        case timedOut
        case unreachable
    }

    /// Posts `body` once; answers the status and at most 64 KiB of the reply.
    func post(_ body: Data, headers: [(String, String)] = []) async throws -> (status: UInt, body: ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(data: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw TransportError.timedOut
        } catch {
            throw TransportError.unreachable
        }
        do {
            return (response.status.code, try await response.body.collect(upTo: 64 * 1024))
        } catch {
            throw TransportError.timedOut
        }
    }

    /// Runs `operation` up to `attempts` times, 200 ms × attempt apart, while `retryable` says so.
    func withRetries<T: Sendable>(_ retryable: (any Error) -> Bool, _ operation: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch where attempt < attempts && retryable(error) {
                try await Task.sleep(for: .milliseconds(200 * attempt))
                attempt += 1
            }
        }
    }
}
