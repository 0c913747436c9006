import Foundation

/// A subscriber: the person or company that holds lines, bills and devices.
public struct Customer: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var idNumber: String
    public var contactPhone: String
    public var city: String
    public var district: String
    public var address: String
    /// 0 for ordinary customers, 1–3 for the carrier's VIP tiers (银卡, 金卡, 钻石卡).
    public var vipLevel: Int
    public var tags: [String]
    /// Prepaid balance; negative means the customer is in arrears.
    public var balanceFen: Int64
    public var createdAt: Date
    /// Every number that identifies the customer: contact phone and mobile lines.
    public var phones: [String]
    /// True when the personal fields are masked for the viewer.
    public var masked: Bool

    public init(
        id: String, name: String, idNumber: String, contactPhone: String, city: String, district: String,
        address: String, vipLevel: Int, tags: [String], balanceFen: Int64, createdAt: Date,
        phones: [String] = [], masked: Bool = false
    ) {
        self.id = id
        self.name = name
        self.idNumber = idNumber
        self.contactPhone = contactPhone
        self.city = city
        self.district = district
        self.address = address
        self.vipLevel = vipLevel
        self.tags = tags
        self.balanceFen = balanceFen
        self.createdAt = createdAt
        self.phones = phones
        self.masked = masked
    }

    /// The record as a viewer without `pii.unmask` may see it.
    public func masking() -> Customer {
        var copy = self
        copy.name = Masking.name(name)
        copy.idNumber = Masking.idNumber(idNumber)
        copy.contactPhone = Masking.phone(contactPhone)
        copy.address = Masking.address(address)
        copy.phones = phones.map(Masking.phone)
        copy.masked = true
        return copy
    }
}

/// Fields a caller may give when creating a customer; the server fills the rest.
public struct NewCustomer: Codable, Hashable, Sendable {
    public var name: String
    public var idNumber: String
    public var contactPhone: String
    public var city: String
    public var district: String
    public var address: String
    public var vipLevel: Int?
    public var tags: [String]?

    public init(
        name: String, idNumber: String, contactPhone: String, city: String, district: String, address: String,
        vipLevel: Int? = nil, tags: [String]? = nil
    ) {
        self.name = name
        self.idNumber = idNumber
        self.contactPhone = contactPhone
        self.city = city
        self.district = district
        self.address = address
        self.vipLevel = vipLevel
        self.tags = tags
    }

    /// Every problem with the fields, named, so one answer tells the caller all of them.
    public func problems() -> [String] {
        var problems: [String] = []
        if !Validation.isCleanText(name, max: 50) { problems.append("name: 请填写姓名（1–50字）") }
        if case .failure(let problem) = ResidentID.parse(idNumber) { problems.append("idNumber: \(problem.message)") }
        if !Validation.isMobileNumber(contactPhone) { problems.append("contactPhone: 请填写11位手机号码") }
        if !Validation.isCleanText(city, max: 20) { problems.append("city: 请填写城市（1–20字）") }
        if !Validation.isCleanText(district, max: 20) { problems.append("district: 请填写区县（1–20字）") }
        if !Validation.isCleanText(address, max: 200) { problems.append("address: 请填写详细地址（1–200字）") }
        if let vip = vipLevel, !(0...3).contains(vip) { problems.append("vipLevel: VIP 等级为 0–3") }
        if let tags, tags.count > 20 || tags.contains(where: { !Validation.isCleanText($0, max: 20) }) {
            problems.append("tags: 最多 20 个标签，每个 1–20 字")
        }
        return problems
    }
}
