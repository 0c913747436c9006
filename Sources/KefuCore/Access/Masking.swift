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
}
