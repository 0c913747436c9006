import Foundation
@testable import KefuStore
import Testing

/// Row ids keep the shape they had as Foundation UUIDs (other systems and old rows hold them), and
/// ticket numbers their six uppercase hex characters after the China date.
@Suite struct RandomIDTests {
    @Test func idsAreLowercaseVersion4UUIDs() throws {
        for _ in 0..<1_000 {
            let id = RandomID.uuid()
            let parsed = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = parsed.uuid
            #expect(bytes.6 >> 4 == 4, "version nibble of \(id)")
            #expect(bytes.8 >> 6 == 0b10, "variant bits of \(id)")
        }
    }

    @Test func idsDoNotRepeatAndUseEveryDigit() {
        let ids = (0..<20_000).map { _ in RandomID.uuid() }
        #expect(Set(ids).count == ids.count)
        let digits = Set(ids.joined().filter { $0 != "-" })
        #expect(digits == Set("0123456789abcdef"))
    }

    @Test func ticketNumbersCarryTheChinaDateAndSixHexCharacters() {
        // 2026-12-01 17:30 UTC is already 2 December in China.
        let number = TicketRepository.number(Date(timeIntervalSince1970: 1_796_146_200))
        #expect(number.hasPrefix("GD261202-"))
        let suffix = number.dropFirst("GD261202-".count)
        #expect(suffix.count == 6 && suffix.allSatisfy { "0123456789ABCDEF".contains($0) })
        let suffixes = Set((0..<2_000).map { _ in RandomID.hex(6) })
        #expect(suffixes.count > 1_990)
    }
}
