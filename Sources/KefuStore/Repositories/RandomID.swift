/// Random 128-bit ids, written as a lowercase version-4 UUID, for rows and ticket numbers.
///
/// Foundation's `UUID()` opens and closes /dev/urandom for every id on Linux: two system calls on a file
/// per row, several rows per message or ticket, a few percent of the server's time under load. The
/// system generator here is the kernel's `getrandom`, no file.
enum RandomID {
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        // Version 4 in the high nibble of byte 6, the RFC 4122 variant (0b10) in the top bits of byte 8.
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        // 32 digits, most significant first, a dash before the 9th, 13th, 17th and 21st (8-4-4-4-12).
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var at = 0
            for nibble in 0..<32 {
                if nibble >= 8, nibble <= 20, nibble % 4 == 0 { buffer[at] = 0x2D; at += 1 }
                let word = nibble < 16 ? high : low
                buffer[at] = hexDigits[Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)]
                at += 1
            }
            return at
        }
    }

    /// `count` random uppercase hex digits (at most 16).
    static func hex(_ count: Int) -> String {
        precondition((1...16).contains(count))
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        return String(unsafeUninitializedCapacity: count) { buffer in
            for n in 0..<count { buffer[n] = upperHexDigits[Int((value >> UInt64(4 * n)) & 0xF)] }
            return count
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)
}
