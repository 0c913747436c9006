/// The rules for opening a mobile number online (开户).
public enum AccountOpening {
    /// 一证五号: one resident ID may hold at most five active mobile numbers across carriers' records.
    public static let maxNumbersPerID = 5
    /// Online opening needs the holder to be 16 or older.
    public static let minimumAgeOnline = 16
    /// How long a chosen number is held for one customer.
    public static let reservationSeconds: Double = 600

    public enum Problem: Error, Equatable, Sendable {
        case invalidID(ResidentID.Problem)
        case tooYoung(age: Int)
        case tooManyNumbers(active: Int)

        public var message: String {
            switch self {
            case .invalidID(let problem): problem.message
            case .tooYoung(let age): "网上开户需年满16周岁（当前 \(age) 周岁），请携带证件到营业厅办理"
            case .tooManyNumbers(let active): "根据“一证五号”规定，每个身份证最多办理5个号码；该证件名下已有 \(active) 个号码"
            }
        }
    }

    /// The real-name check: a valid ID, old enough on `today`, and room under the five-number rule.
    public static func check(idNumber: String, activeNumbers: Int, today: CalendarDate) -> Result<ResidentID, Problem> {
        let id: ResidentID
        switch ResidentID.parse(idNumber) {
        case .success(let parsed): id = parsed
        case .failure(let problem): return .failure(.invalidID(problem))
        }
        let age = id.age(on: today)
        guard age >= minimumAgeOnline else { return .failure(.tooYoung(age: max(0, age))) }
        guard activeNumbers < maxNumbersPerID else { return .failure(.tooManyNumbers(active: activeNumbers)) }
        return .success(id)
    }
}

/// A SIM card's ICCID: 19 or 20 digits, starting 8986 (China), the last digit a Luhn check digit.
public enum ICCID {
    public enum Problem: Error, Equatable, Sendable {
        case wrongLength, notDigits, notChinese, wrongCheckDigit

        public var message: String {
            switch self {
            case .wrongLength: "ICCID 应为19或20位"
            case .notDigits: "ICCID 只能包含数字"
            case .notChinese: "ICCID 应以 8986 开头"
            case .wrongCheckDigit: "ICCID 校验位错误，请核对卡背面的号码"
            }
        }
    }

    public static func validate(_ text: String) -> Problem? {
        let chars = Array(text)
        guard (19...20).contains(chars.count) else { return .wrongLength }
        let digits = chars.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == chars.count else { return .notDigits }
        guard text.hasPrefix("8986") else { return .notChinese }
        guard luhnCheckDigit(Array(digits.dropLast())) == digits.last else { return .wrongCheckDigit }
        return nil
    }

    /// The Luhn digit that completes `payload`.
    public static func luhnCheckDigit(_ payload: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in payload.reversed().enumerated() {
            if offset % 2 == 0 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return (10 - sum % 10) % 10
    }
}
