import Foundation

/// Staff accounts of the demo installation; the README lists them.
public struct DemoStaff: Sendable {
    public var user: StaffUser
    public var password: String
}

/// Everything the demo installation starts with.
public struct DemoDataset: Sendable {
    public var packages: [ServicePackage]
    public var staff: [DemoStaff]
    public var customers: [Customer]
    public var subscriptions: [Subscription]
    public var usage: [UsageRecord]
    public var bills: [Bill]
    public var payments: [Payment]
    public var orders: [BusinessOrder]
    public var devices: [Device]
    public var valueAddedServices: [ValueAddedService] = []
    /// Numbers free to choose when opening an account, per city.
    public var numberPool: [(number: String, city: String)] = []
    public var forbiddenWords: [ForbiddenWord] = DemoCatalog.forbiddenWords
    public var teamReplies: [QuickReply] = DemoCatalog.teamReplies
}

/// Builds the demo data from a seed: the same seed and date give the same data, byte for byte.
public struct DemoGenerator {
    public static let defaultSeed: UInt64 = 20_261_128
    public static let demoPassword = "kefu-demo-2026"
    /// Customers with fixed phone numbers, so the README can name them.
    public static let knownPhones = ["13800138000", "13900139001", "18600186002"]

    let customerCount: Int
    let asOf: CalendarDate
    var rng: SeededGenerator
    /// Ids that must not follow from the record (bills): drawn apart, so the data stays what it was.
    var idRng: SeededGenerator

    public init(seed: UInt64 = defaultSeed, customerCount: Int = 2000, asOf: CalendarDate) {
        self.customerCount = customerCount
        self.asOf = asOf
        self.rng = SeededGenerator(seed: seed)
        self.idRng = SeededGenerator(seed: seed ^ 0x5EED_B111_0000_0001)
    }

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let givenChars = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅文斌志鹏宇浩然子涵欣怡梓萱思远晨阳佳琪雨轩俊杰嘉怡瑞博")
    static let mobilePrefixes = ["138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "183", "187", "188", "198", "186", "185", "176", "133", "153", "180", "189", "199"]
    static let tags = ["老用户", "高价值", "投诉敏感", "5G潜客", "宽带到期", "携转风险", "学生", "商务出行"]

    public mutating func generate() -> DemoDataset {
        var data = DemoDataset(
            packages: DemoCatalog.packages, staff: Self.staff(asOf: asOf), customers: [], subscriptions: [],
            usage: [], bills: [], payments: [], orders: [], devices: []
        )
        var usedNumbers = Set<String>()
        for index in 0..<customerCount {
            makeCustomer(index: index, into: &data, usedNumbers: &usedNumbers)
        }
        for region in DemoCatalog.regions {
            for _ in 0..<200 { data.numberPool.append((uniqueMobile(&usedNumbers), region.city)) }
        }
        return data
    }

    static func staff(asOf: CalendarDate) -> [DemoStaff] {
        let created = asOf.addingMonths(-6).date
        let people: [(String, String, Role, String, [String])] = [
            ("admin", "系统管理员", .admin, "A0001", []),
            ("lead", "王班长", .teamLead, "L1001", ["mobile", "broadband", "billing", "enterprise", "vip"]),
            ("qa", "李质检", .qa, "Q2001", []),
            ("agent1", "张小雨", .agent, "K3001", ["mobile", "vip"]),
            ("agent2", "陈宽", .agent, "K3002", ["broadband"]),
            ("agent3", "刘账", .agent, "K3003", ["billing", "enterprise"]),
        ]
        return people.enumerated().map { offset, person in
            DemoStaff(
                user: StaffUser(
                    id: "staff-\(person.0)", username: person.0, displayName: person.1, role: person.2,
                    agentNo: person.3, skills: person.4, disabled: false, createdAt: created.addingTimeInterval(Double(offset))
                ),
                password: demoPassword
            )
        }
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    private mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    private mutating func uniqueMobile(_ used: inout Set<String>) -> String {
        while true {
            let number = pick(Self.mobilePrefixes) + String(int(10_000_000...99_999_999))
            if used.insert(number).inserted { return number }
        }
    }

    private mutating func idNumber(region: String) -> String {
        let birth = CalendarDate(daysSinceEpoch: int(-7300...13500))  // 1950 to 2006
        let digits = Array(region + birth.description.replacingOccurrences(of: "-", with: "") + String(int(100...999)))
            .compactMap(\.wholeNumberValue)
        return digits.map(String.init).joined() + String(ResidentID.checkCharacter(for: digits))
    }

    private func package(_ code: String) -> ServicePackage {
        DemoCatalog.packages.first { $0.code == code }!
    }

    private mutating func makeCustomer(index: Int, into data: inout DemoDataset, usedNumbers: inout Set<String>) {
        let region = pick(DemoCatalog.regions)
        let district = index < region.districts.count * 3 ? region.districts[index % region.districts.count] : pick(region.districts)
        let id = "cus-" + String(100_000 + index)
        let name = String(pick(Self.surnames)) + String((0..<int(1...2)).map { _ in pick(Self.givenChars) })
        let contact = index < Self.knownPhones.count ? Self.knownPhones[index] : uniqueMobile(&usedNumbers)
        usedNumbers.insert(contact)
        let opened = asOf.addingMonths(-int(4...96))
        let address = "\(region.city)市\(district)\(pick(["文三路", "学院路", "中山路", "人民路", "解放路", "建设路"]))\(int(1...399))号\(int(1...30))幢\(int(1...28))0\(int(1...4))室"

        // The first known customers have shapes the README describes; the rest are random.
        let shape: Int = index < 3 ? index : int(0...99)
        let hasFamily = shape == 0 || (shape >= 3 && shape < 11)
        let isEnterprise = shape >= 11 && shape < 14
        let hasIoT = shape >= 14 && shape < 17
        let inArrears = shape == 1 || (shape >= 17 && shape < 23)
        let hasBroadband = hasFamily || (shape >= 23 && shape < 55)
        let secondLine = !hasFamily && chance(0.2)

        var lines: [(Subscription, [ValueAddedCharge])] = []
        func add(_ kind: Subscription.Kind, _ code: String, number: String, contract: Contract? = nil, bundle: String? = nil, vas: [ValueAddedCharge] = []) {
            let sub = Subscription(
                id: "sub-\(index)-\(lines.count)", customerId: id, number: number, kind: kind, packageCode: code,
                status: .active, openedOn: opened.description, contract: contract, bundleId: bundle
            )
            lines.append((sub, vas))
        }

        let mobileCodes = ["M4G-19", "M4G-39", "M4G-59", "M5G-79", "M5G-129", "M5G-199", "ICE-99", "ICE-199"]
        if hasFamily {
            let famCode = shape == 0 ? "FAM-229" : pick(["FAM-169", "FAM-229"])
            let bundle = "sub-\(index)-0"
            add(.mobile, famCode, number: contact, bundle: bundle)
            add(.mobile, famCode, number: uniqueMobile(&usedNumbers), bundle: bundle)
            add(.broadband, famCode, number: "BB\(region.areaCode)\(200_000 + index)", bundle: bundle)
            add(.iptv, famCode, number: "TV\(region.areaCode)\(200_000 + index)", bundle: bundle)
        } else {
            let code = shape == 1 ? "M4G-39" : shape == 2 ? "M5G-129" : pick(mobileCodes)
            var contract: Contract?
            if shape == 2 || chance(0.25) {
                let start = asOf.addingMonths(-int(2...20)).firstOfMonth
                contract = Contract(
                    startsOn: start.description, endsOn: start.addingMonths(24).addingDays(-1).description,
                    monthlyDiscountFen: Int64(int(1...3) * 1000), minimumPackageCode: code
                )
            }
            let vas = chance(0.3) ? [pick(DemoCatalog.valueAdded)] : []
            add(.mobile, code, number: contact, contract: contract, vas: vas)
            if secondLine { add(.mobile, pick(["M4G-19", "M4G-39", "M5G-79"]), number: uniqueMobile(&usedNumbers)) }
            if hasBroadband {
                add(.broadband, pick(["BB-100", "BB-100", "BB-300", "BB-1000"]), number: "BB\(region.areaCode)\(200_000 + index)")
                if chance(0.4) { add(.iptv, "IPTV-15", number: "TV\(region.areaCode)\(200_000 + index)") }
            }
        }
        if isEnterprise {
            add(.dedicatedLine, pick(["ENT-LINE-100", "ENT-LINE-1000"]), number: "ZX\(region.areaCode)\(300_000 + index)")
        }
        if hasIoT {
            for n in 0..<int(2...5) {
                add(.iot, pick(["IOT-5", "IOT-20"]), number: "1440\(region.areaCode.suffix(3))\(String(100_000 + index * 10 + n))")
            }
        }
        let monthlyValue = lines.reduce(Int64(0)) { total, line in
            total + package(line.0.packageCode).monthlyFeeFen
        }
        let vip = shape == 0 ? 3 : isEnterprise ? int(2...3) : monthlyValue >= 19900 ? int(1...3) : (chance(0.04) ? 1 : 0)

        var unpaid: Int64 = 0
        let months = (1...3).map { asOf.firstOfMonth.addingMonths(-$0) }.reversed()
        var usageScale: [String: Double] = [:]
        var toBill: [(line: Subscription, vas: [ValueAddedCharge], plan: ServicePackage, month: CalendarDate, isLast: Bool)] = []
        for (line, vas) in lines {
            let plan = package(line.packageCode)
            let scale = usageScale[line.id] ?? Double(int(20...140)) / 100
            usageScale[line.id] = scale
            // A family's mobile lines share the plan's pool, each using a share of it.
            let sharers = plan.sharedData && line.bundleId != nil
                ? max(1, lines.filter { $0.0.bundleId == line.bundleId && $0.0.kind == .mobile }.count) : 1
            // This month so far, in proportion to the days gone: what "还剩多少" is answered from. It is
            // not billed until the month ends.
            let gone = Double(asOf.day) / Double(CalendarDate.daysIn(year: asOf.year, month: asOf.month))
            let quota = (plan.dataMB > 0 ? plan.dataMB : 200 * 1024) / sharers
            data.usage.append(
                UsageRecord(
                    subscriptionId: line.id, month: asOf.monthKey,
                    dataMB: line.kind == .iptv ? 0 : Int(Double(quota) * scale * gone),
                    voiceMinutes: line.kind == .mobile ? Int(Double(max(plan.voiceMinutes, 100)) * scale * gone) : 0,
                    smsCount: line.kind == .mobile || line.kind == .iot ? Int(Double(max(10, plan.smsCount)) * scale * gone / 2) : 0
                )
            )
            for (offset, month) in months.enumerated() {
                let jitter = Double(int(85...115)) / 100
                let usage = UsageRecord(
                    subscriptionId: line.id, month: month.monthKey,
                    dataMB: line.kind == .iptv ? 0 : Int(Double(quota) * scale * jitter),
                    voiceMinutes: line.kind == .mobile ? Int(Double(max(plan.voiceMinutes, 100) / sharers) * scale * jitter) : 0,
                    smsCount: line.kind == .mobile || line.kind == .iot ? int(0...max(10, plan.smsCount / sharers)) : 0
                )
                data.usage.append(usage)
                // A family bundle is billed once, on its primary line, once every line's usage is known.
                if let bundle = line.bundleId, bundle != line.id { continue }
                toBill.append((line, vas, plan, month, offset == months.count - 1))
            }
        }
        for (line, vas, plan, month, isLast) in toBill {
            // The bill meters what the plan meters: a family's pool is its mobile lines together.
            let pool = Set(lines.filter { $0.0.bundleId != nil && $0.0.bundleId == line.bundleId && $0.0.kind == .mobile }.map(\.0.id))
            let members = pool.isEmpty ? [line.id] : pool
            let records = data.usage.filter { $0.month == month.monthKey && members.contains($0.subscriptionId) }
            let usage = UsageRecord(
                subscriptionId: line.id, month: month.monthKey, dataMB: records.reduce(0) { $0 + $1.dataMB },
                voiceMinutes: records.reduce(0) { $0 + $1.voiceMinutes }, smsCount: records.reduce(0) { $0 + $1.smsCount }
            )
            let items = BillCalculator.items(package: plan, usage: usage, valueAdded: vas, contract: line.contract, monthStart: month)
            let total = BillCalculator.total(items)
            // A bill is paid on one of the days it has been out, never after today: last month's,
            // issued on the 1st, is still open early in the month.
            let issued = month.addingMonths(1)
            let daysOut = min(18, asOf.daysSinceEpoch - issued.daysSinceEpoch - 1)
            let status: Bill.Status = inArrears && isLast ? .overdue : daysOut < 0 ? .unpaid : .paid
            let billID = "bill-" + String(idRng.next(), radix: 16) + String(idRng.next(), radix: 16)
            data.bills.append(
                Bill(
                    id: billID, customerId: id, subscriptionId: line.id, month: month.monthKey, totalFen: total,
                    status: status, dueOn: month.addingMonths(1).addingDays(19).description, items: items
                )
            )
            if status == .paid {
                data.payments.append(
                    Payment(
                        id: "pay-\(billID)", customerId: id, amountFen: total, channel: pick(Payment.Channel.allCases),
                        paidAt: issued.addingDays(int(0...daysOut)).date.addingTimeInterval(Double(int(28_800...79_200))),
                        reference: "demo-\(billID)"
                    )
                )
            } else {
                unpaid += total
            }
        }

        for (line, vas) in lines {
            for (offset, charge) in vas.enumerated() {
                data.valueAddedServices.append(
                    ValueAddedService(
                        id: "vas-\(line.id)-\(offset)", customerId: id, subscriptionId: line.id, number: line.number,
                        name: charge.name, monthlyFeeFen: charge.monthlyFeeFen, subscribedOn: opened.description, status: .active
                    )
                )
            }
            var line = line
            if inArrears && line.kind == .mobile { line.status = .suspendedArrears }
            if !inArrears && line.kind == .mobile && chance(0.01) { line.status = .suspendedRequest }
            data.subscriptions.append(line)
            data.orders.append(
                BusinessOrder(
                    id: "ord-open-\(line.id)", customerId: id, subscriptionId: line.id, kind: "open_account",
                    status: "completed", summary: "开通 \(line.number)", channel: pick(["counter", "online", "app"]),
                    createdAt: opened.date.addingTimeInterval(36_000)
                )
            )
            if line.kind == .broadband {
                data.devices.append(
                    Device(
                        id: "dev-onu-\(line.id)", customerId: id, subscriptionId: line.id, kind: .opticalModem,
                        model: pick(["华为 HN8145X6", "中兴 F7610M", "烽火 HG6145F"]), serial: "ONU\(String(500_000 + index))",
                        status: "online", installedOn: opened.description
                    )
                )
            }
            if line.kind == .iptv {
                data.devices.append(
                    Device(
                        id: "dev-stb-\(line.id)", customerId: id, subscriptionId: line.id, kind: .setTopBox,
                        model: pick(["创维 E900V22", "华为 EC6110"]), serial: "STB\(String(700_000 + index))",
                        status: "online", installedOn: opened.description
                    )
                )
            }
        }
        let balance: Int64 = inArrears ? -unpaid : Int64(int(0...200) * 100 + int(0...99))
        data.customers.append(
            Customer(
                id: id, name: name, idNumber: idNumber(region: region.idRegion), contactPhone: contact,
                city: region.city, district: district, address: address, vipLevel: vip,
                tags: inArrears ? ["欠费"] : (chance(0.3) ? [pick(Self.tags)] : []), balanceFen: balance,
                createdAt: opened.date.addingTimeInterval(36_000),
                phones: [contact] + lines.filter { $0.0.kind == .mobile && $0.0.number != contact }.map(\.0.number)
            )
        )
    }
}

extension CalendarDate {
    /// Midnight at the start of the day in China Standard Time (UTC+8, no daylight saving).
    public var date: Date {
        Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400 - 8 * 3_600)
    }

    /// The calendar day in China Standard Time that `date` falls on.
    public init(chinaTime date: Date) {
        self.init(daysSinceEpoch: Int(((date.timeIntervalSince1970 + 8 * 3_600) / 86_400).rounded(.down)))
    }
}
