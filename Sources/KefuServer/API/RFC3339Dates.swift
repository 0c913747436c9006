import Foundation
import OpenAPIRuntime

/// Dates in the API as RFC 3339: written without fractional seconds; read as RFC 3339 allows them,
/// with or without fractional seconds (browsers send `toISOString()`, "2026-12-01T08:30:00.123Z") and
/// with any offset up to ±23:59, which Foundation's ISO 8601 parser does not all accept.
struct RFC3339Dates: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        date.formatted(.iso8601)
    }

    func decode(_ text: String) throws -> Date {
        guard let date = Self.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 date-time: \(text)"))
        }
        return date
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `T` and `Z` in either case. Nil for anything else,
    /// including impossible dates (February 30th).
    static func parse(_ text: String) -> Date? {
        let c = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= c.count else { return nil }
            var value = 0
            for byte in c[from..<(from + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func at(_ index: Int, _ chars: String) -> Bool { index < c.count && chars.utf8.contains(c[index]) }
        guard let year = digits(0, 4), at(4, "-"), let month = digits(5, 2), at(7, "-"), let day = digits(8, 2), at(10, "Tt"),
              let hour = digits(11, 2), at(13, ":"), let minute = digits(14, 2), at(16, ":"), let second = digits(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if at(index, ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < c.count, (48...57).contains(c[index]) {
                fraction += Double(c[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if at(index, "Zz") {
            index += 1
        } else if at(index, "+-"), let offsetHours = digits(index + 1, 2), at(index + 3, ":"), let offsetMinutes = digits(index + 4, 2),
                  offsetHours <= 23, offsetMinutes <= 59 {
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (c[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == c.count else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let base = calendar.date(from: components), calendar.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(fraction + Double(second == 60 ? 1 : 0) - Double(offset))
    }
}
