/// A plan in the catalog. Quotas of 0 mean the plan has none of that service.
public struct ServicePackage: Codable, Hashable, Sendable {
    public enum Category: String, Codable, Sendable, CaseIterable {
        case mobile4G = "mobile_4g"
        case mobile5G = "mobile_5g"
        case unlimited
        case family
        case broadband
        case iptv
        case enterpriseLine = "enterprise_line"
        case iot

        /// Broadband and dedicated lines are flat-rate: data is not metered against a quota.
        public var metersData: Bool { self != .broadband && self != .iptv && self != .enterpriseLine }
    }

    public var code: String
    public var name: String
    public var category: Category
    public var monthlyFeeFen: Int64
    public var dataMB: Int
    public var voiceMinutes: Int
    public var smsCount: Int
    public var bandwidthMbps: Int
    /// Family bundles share their data among the lines on the bundle.
    public var sharedData: Bool
    public var maxLines: Int
    public var benefits: [String]
    public var dataOverageFenPerGB: Int64
    public var voiceOverageFenPerMinute: Int64
    public var smsOverageFen: Int64
    public var active: Bool

    public init(
        code: String, name: String, category: Category, monthlyFeeFen: Int64, dataMB: Int, voiceMinutes: Int,
        smsCount: Int = 0, bandwidthMbps: Int = 0, sharedData: Bool = false, maxLines: Int = 1,
        benefits: [String] = [], dataOverageFenPerGB: Int64 = 300, voiceOverageFenPerMinute: Int64 = 15,
        smsOverageFen: Int64 = 10, active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.category = category
        self.monthlyFeeFen = monthlyFeeFen
        self.dataMB = dataMB
        self.voiceMinutes = voiceMinutes
        self.smsCount = smsCount
        self.bandwidthMbps = bandwidthMbps
        self.sharedData = sharedData
        self.maxLines = maxLines
        self.benefits = benefits
        self.dataOverageFenPerGB = dataOverageFenPerGB
        self.voiceOverageFenPerMinute = voiceOverageFenPerMinute
        self.smsOverageFen = smsOverageFen
        self.active = active
    }

    /// The most a plan may cost a month: 100,000 yuan covers the largest dedicated line.
    public static let maxMonthlyFeeFen: Int64 = 10_000_000

    public func problems() -> [String] {
        var problems: [String] = []
        let codeOK = !code.isEmpty && code.count <= 32
            && code.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        if !codeOK { problems.append("code: 套餐编码为 1–32 位字母、数字、_ 或 -") }
        if !Validation.isCleanText(name, max: 60) { problems.append("name: 套餐名称为 1–60 字") }
        if !(0...Self.maxMonthlyFeeFen).contains(monthlyFeeFen) { problems.append("monthlyFeeFen: 月费为 0–100000 元") }
        for (field, value) in [("dataMB", dataMB), ("voiceMinutes", voiceMinutes), ("smsCount", smsCount)]
        where !(0...10_000_000).contains(value) {
            problems.append("\(field): 取值为 0–10000000")
        }
        if !(0...100_000).contains(bandwidthMbps) { problems.append("bandwidthMbps: 带宽为 0–100000 Mbps") }
        if !(1...10).contains(maxLines) { problems.append("maxLines: 可含号码数为 1–10") }
        for (field, value) in [
            ("dataOverageFenPerGB", dataOverageFenPerGB), ("voiceOverageFenPerMinute", voiceOverageFenPerMinute),
            ("smsOverageFen", smsOverageFen),
        ] where !(0...100_000).contains(value) {
            problems.append("\(field): 资费为 0–1000 元")
        }
        if benefits.count > 20 || benefits.contains(where: { !Validation.isCleanText($0, max: 60) }) {
            problems.append("benefits: 权益最多 20 项，每项 1–60 字")
        }
        return problems
    }
}
