/// Amounts are integer fen (分) everywhere: never floating point.
public enum Money {
    /// Parses a yuan amount written by a person ("12", "12.5", "12.30") into fen.
    /// Refuses more than two decimals, signs, exponents and anything that is not plain digits.
    public static func parseYuan(_ text: String) -> Int64? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 16 else { return nil }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if parts.count == 2 && fraction.isEmpty { return nil }
        while fraction.count < 2 { fraction += "0" }
        guard let yuan = Int64(whole), let fen = Int64(fraction) else { return nil }
        let (product, overflow) = yuan.multipliedReportingOverflow(by: 100)
        guard !overflow else { return nil }
        return product + fen
    }

    /// "¥12.30", "-¥3.00": how the pages and the bot write amounts.
    public static func format(fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)¥\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
