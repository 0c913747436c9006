import Foundation

/// Masks applied to personal data for viewers without `pii.unmask`.
///
/// The shapes are the ones agents already know from carrier systems:
/// 138****5678, 张*, and an ID number with only its last four characters.
public enum Masking {
    public static func phone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count >= 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
    }

    public static func name(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    public static func idNumber(_ id: String) -> String {
        let chars = Array(id)
        guard chars.count > 4 else { return String(repeating: "*", count: chars.count) }
        return String(repeating: "*", count: chars.count - 4) + String(chars.suffix(4))
    }

    /// Address lines keep the region and drop the street detail.
    public static func address(_ address: String) -> String {
        let chars = Array(address)
        guard chars.count > 6 else { return address }
        return String(chars.prefix(6)) + "****"
    }

    /// Free text (order summaries, chat messages, ticket fields): every run of digits shaped like a
    /// mobile number, an ID number or a bank card is masked as its field would be, full-width digits
    /// (as Chinese keyboards type them) included, and each of `names` where it appears. Other numbers
    /// (amounts, months, ticket numbers, landlines) are left as they are.
    public static func text(_ text: String, names: [String] = []) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var run: [Character] = []
        func flush() {
            guard !run.isEmpty else { return }
            out += maskedRun(run)
            run = []
        }
        for c in text {
            if digitValue(c) != nil || (run.count == 17 && "XxＸｘ".contains(c)) {
                run.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        // Longest first, so a name that contains another is masked whole.
        for name in names.filter({ $0.count >= 2 }).sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: name, with: Masking.name(name))
        }
        return out
    }

    private static func digitValue(_ c: Character) -> Int? {
        guard let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return nil }
        switch scalar.value {
        case 0x30...0x39: return Int(scalar.value - 0x30)
        case 0xFF10...0xFF19: return Int(scalar.value - 0xFF10)
        default: return nil
        }
    }

    private static func maskedRun(_ run: [Character]) -> String {
        let text = String(run)
        switch run.count {
        case 11 where digitValue(run[0]) == 1 && (3...9).contains(digitValue(run[1]) ?? 0): return phone(text)
        // ID numbers (15 and 18) and bank cards (16–19) keep their last four.
        case 15...19: return idNumber(text)
        default: return text
        }
    }
}
