/// An 18-character PRC resident identity number checked against GB 11643-1999.
public struct ResidentID: Hashable, Sendable {
    public let value: String
    public let regionCode: String
    public let birthDate: CalendarDate

    public enum Problem: Error, Equatable, Sendable {
        case wrongLength
        case notDigits
        case unknownRegion
        case invalidBirthDate
        case wrongCheckDigit

        public var message: String {
            switch self {
            case .wrongLength: "身份证号码应为18位"
            case .notDigits: "身份证号码前17位应为数字，末位为数字或X"
            case .unknownRegion: "身份证号码的地区代码无效"
            case .invalidBirthDate: "身份证号码中的出生日期无效"
            case .wrongCheckDigit: "身份证号码校验位错误"
            }
        }
    }

    /// Province-level codes (the first two digits) in use.
    static let provinces: Set<Int> = [
        11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
    ]
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    public static func parse(_ text: String) -> Result<ResidentID, Problem> {
        let chars = Array(text.uppercased())
        guard chars.count == 18 else { return .failure(.wrongLength) }
        let digits = chars.prefix(17).compactMap { $0.wholeNumberValue }
        guard digits.count == 17, chars.prefix(17).allSatisfy({ $0.isASCII }),
            chars[17].isASCII, chars[17].isNumber || chars[17] == "X"
        else { return .failure(.notDigits) }
        guard provinces.contains(digits[0] * 10 + digits[1]), digits[2...5] != [0, 0, 0, 0]
        else { return .failure(.unknownRegion) }
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + digits[$1] } }
        guard let birth = CalendarDate(year: number(6..<10), month: number(10..<12), day: number(12..<14)),
            birth.year >= 1900
        else { return .failure(.invalidBirthDate) }
        guard chars[17] == checkCharacter(for: digits) else { return .failure(.wrongCheckDigit) }
        return .success(ResidentID(value: String(chars), regionCode: String(chars.prefix(6)), birthDate: birth))
    }

    /// The GB 11643 check character for 17 leading digits.
    public static func checkCharacter(for digits: [Int]) -> Character {
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Completed years of age on `date`; a birthday on 29 February counts from 1 March in other years.
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - birthDate.year
        if (date.month, date.day) < (birthDate.month, birthDate.day) { years -= 1 }
        return years
    }
}
