extension Sequence where Element == UInt8 {
    /// Lowercase hexadecimal, two digits a byte: digests and signatures as they are stored and sent.
    /// (`String(format: "%02x")` per byte was 3% of the server's CPU: every request hashes its token.)
    public var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
