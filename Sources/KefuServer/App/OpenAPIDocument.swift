import Foundation
import Hummingbird
import NIOCore

/// The OpenAPI document the API is generated from, served as the contract at `/openapi.yaml`.
enum OpenAPIDocument {
    static func load() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw AppConfig.Invalid(description: "openapi.yaml is missing from the server's resources")
        }
        return Array(try Data(contentsOf: url))
    }

    static func response(_ document: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: document))
        )
    }
}
