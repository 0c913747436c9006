/// Checks on the shape of values that arrive from outside, shared by the API and the CLI.
public enum Validation {
    /// A mainland mobile number: 11 digits starting with 1[3-9].
    public static func isMobileNumber(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        guard chars.count == 11, chars[0] == UInt8(ascii: "1"),
            (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(chars[1])
        else { return false }
        return chars.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Free text fields: not empty after trimming, not longer than `max` characters,
    /// and without control characters other than newline and tab.
    public static func isCleanText(_ text: String, max: Int) -> Bool {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, text.count <= max else { return false }
        return !text.unicodeScalars.contains {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t"
        }
    }

    /// A number to call someone back on, as people type it (spaces, hyphens, a leading +86): a mobile
    /// number, or a fixed line with its area code (0 and 10–12 digits in all). The bare digits, or nil.
    public static func callbackNumber(_ text: String) -> String? {
        var digits = String(text.unicodeScalars.filter { $0 != " " && $0 != "-" }.map(Character.init))
        if digits.hasPrefix("+86") { digits.removeFirst(3) }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if isMobileNumber(digits) { return digits }
        return digits.hasPrefix("0") && (10...12).contains(digits.count) && !digits.hasPrefix("00") ? digits : nil
    }
}
