import HTTPTypes
@testable import KefuServer
import OpenAPIRuntime
import Testing

/// A failed request is logged with its operation and cause, never with what the request carried.
@Suite struct ErrorLoggingTests {
    struct StoreBroke: Error, CustomStringConvertible {
        var description: String { "UNIQUE constraint failed: tickets.number" }
    }

    @Test func theLoggedCauseHoldsNeitherTheTokenNorTheBody() {
        var request = HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/api/v1/tickets")
        request.headerFields[.authorization] = "Bearer SECRET-TOKEN-1234"
        request.headerFields[.cookie] = "kefu_session=SECRET-COOKIE"
        let error = ServerError(
            operationID: "createTicket", request: request, requestBody: HTTPBody("{\"fields\":{\"idNumber\":\"110101199001011234\"}}"),
            requestMetadata: .init(), causeDescription: "User handler threw an error.", underlyingError: StoreBroke()
        )
        #expect(String(reflecting: error).contains("SECRET-TOKEN-1234"), "what the generated error would have logged")
        let logged = ErrorMiddleware.cause(error)
        #expect(logged.contains("createTicket") && logged.contains("tickets.number"))
        for secret in ["SECRET-TOKEN-1234", "SECRET-COOKIE", "110101199001011234"] { #expect(!logged.contains(secret)) }
    }
}
