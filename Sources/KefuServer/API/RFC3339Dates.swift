import Foundation
import OpenAPIRuntime

/// Dates in the API as RFC 3339: written without fractional seconds, as before; read with or without
/// them, since browsers send `toISOString()` ("2026-12-01T08:30:00.123Z") and the decoder refused it.
struct RFC3339Dates: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        date.formatted(.iso8601)
    }

    func decode(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 date-time: \(text)"))
    }
}
