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

/// The service agreement new customers sign online; its text and version are stored with each signature.
public enum ServiceAgreement {
    public static let version = "2026-11"
    public static let text = """
        客户入网服务协议（\(version)版）
        一、客户应使用本人有效身份证件办理入网手续，并保证所提供资料真实、准确、完整。依据“一证五号”规定，同一证件名下的移动电话号码不超过5个。
        二、运营商按客户选定的套餐提供移动通信服务，资费标准以套餐说明为准；套餐变更、退订增值业务等按业务规则办理。
        三、客户应按时缴纳通信费用；账户欠费时，运营商可暂停服务，缴清欠费后自动恢复。
        四、运营商依法保护客户个人信息，未经客户同意不向第三方提供，法律法规另有规定的除外。
        五、客户以电子方式确认本协议，与书面签署具有同等效力。
        """

    /// What the signature covers; its SHA-256 is stored, so the record shows exactly what was agreed to.
    public static func signedContent(name: String, idNumber: String, number: String, consentedAt: String) -> String {
        [version, text, name, idNumber, number, consentedAt].joined(separator: "\n")
    }
}
