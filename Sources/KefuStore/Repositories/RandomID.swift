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
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var at = 0
            func write(_ value: UInt64, nibbles: Int, from shift: Int) {
                for n in 0..<nibbles {
                    buffer[at] = hexDigits[Int((value >> UInt64(shift - 4 * n)) & 0xF)]
                    at += 1
                }
            }
            func dash() { buffer[at] = 0x2D; at += 1 }
            write(high, nibbles: 8, from: 60); dash()
            write(high, nibbles: 4, from: 28); dash()
            write(high, nibbles: 4, from: 12); dash()
            write(low, nibbles: 4, from: 60); dash()
            write(low, nibbles: 12, from: 44)
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
