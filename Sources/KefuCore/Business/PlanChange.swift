/// Changing plan (套餐变更): what a change would cost and when it takes effect, before anyone confirms it.
public enum PlanChange {
    public enum Timing: String, Codable, Sendable, CaseIterable {
        case immediately
        case nextMonth = "next_month"
    }

    public struct Quote: Codable, Hashable, Sendable {
        public var fromPackage: String
        public var toPackage: String
        public var upgrade: Bool
        public var effectiveOn: String
        public var newMonthlyFeeFen: Int64
        /// For an immediate upgrade: the difference for the rest of this month, by day.
        public var proratedChargeFen: Int64
        /// Leaving the contract or going below its minimum plan: monthly discount × remaining months.
        public var penaltyFen: Int64
        public var remainingContractMonths: Int
        /// Unused general data of this month that moves to the next month, once.
        public var carryOverMB: Int
        public var notes: [String]

        public init(
            fromPackage: String, toPackage: String, upgrade: Bool, effectiveOn: String, newMonthlyFeeFen: Int64,
            proratedChargeFen: Int64, penaltyFen: Int64, remainingContractMonths: Int, carryOverMB: Int, notes: [String]
        ) {
            self.fromPackage = fromPackage
            self.toPackage = toPackage
            self.upgrade = upgrade
            self.effectiveOn = effectiveOn
            self.newMonthlyFeeFen = newMonthlyFeeFen
            self.proratedChargeFen = proratedChargeFen
            self.penaltyFen = penaltyFen
            self.remainingContractMonths = remainingContractMonths
            self.carryOverMB = carryOverMB
            self.notes = notes
        }
    }

    public enum Problem: Error, Equatable, Sendable {
        case samePackage
        case downgradeCannotBeImmediate
        case categoryMismatch

        public var message: String {
            switch self {
            case .samePackage: "新套餐与当前套餐相同"
            case .downgradeCannotBeImmediate: "降档变更次月1日生效，不能立即生效"
            case .categoryMismatch: "只能在同类业务的套餐之间变更（如手机套餐之间）"
            }
        }
    }

    static func family(_ category: ServicePackage.Category) -> Int {
        switch category {
        case .mobile4G, .mobile5G, .unlimited, .family: 0
        case .broadband: 1
        case .iptv: 2
        case .enterpriseLine: 3
        case .iot: 4
        }
    }

    /// The quote for moving a line from `current` to `target` on `today`.
    /// - Parameters:
    ///   - minimumFeeFen: the monthly fee of the contract's minimum plan, when there is a contract.
    ///   - usedDataMB: general data used so far this month on `current`.
    public static func quote(
        current: ServicePackage, target: ServicePackage, contract: Contract?, minimumFeeFen: Int64?, usedDataMB: Int,
        timing requested: Timing, today: CalendarDate
    ) -> Result<Quote, Problem> {
        guard current.code != target.code else { return .failure(.samePackage) }
        guard family(current.category) == family(target.category) else { return .failure(.categoryMismatch) }
        let upgrade = target.monthlyFeeFen > current.monthlyFeeFen
        if !upgrade && requested == .immediately { return .failure(.downgradeCannotBeImmediate) }
        let timing: Timing = upgrade ? requested : .nextMonth
        let nextMonth = today.firstOfMonth.addingMonths(1)
        let effective = timing == .immediately ? today : nextMonth
        var notes: [String] = []

        var prorated: Int64 = 0
        if timing == .immediately {
            let daysInMonth = CalendarDate.daysIn(year: today.year, month: today.month)
            let remainingDays = daysInMonth - today.day + 1
            prorated = (target.monthlyFeeFen - current.monthlyFeeFen) * Int64(remainingDays) / Int64(daysInMonth)
            notes.append("立即生效：本月按剩余 \(remainingDays) 天补收差价 \(Money.format(fen: prorated))")
        } else {
            notes.append("\(nextMonth) 起按新套餐 \(Money.format(fen: target.monthlyFeeFen))/月 收费")
        }

        var penalty: Int64 = 0
        var remainingMonths = 0
        if let contract, contract.isActive(on: effective), let minimumFeeFen, target.monthlyFeeFen < minimumFeeFen,
            let end = CalendarDate(iso: contract.endsOn)
        {
            remainingMonths = effective.firstOfMonth.monthsUntil(end.addingDays(1))
            penalty = contract.monthlyDiscountFen * Int64(remainingMonths)
            notes.append("低于合约最低套餐，需支付违约金 \(Money.format(fen: contract.monthlyDiscountFen)) × \(remainingMonths) 个月 = \(Money.format(fen: penalty))")
        }

        let unused = current.category.metersData ? max(0, current.dataMB - usedDataMB) : 0
        if unused > 0 { notes.append("本月剩余通用流量 \(DataSize.text(mb: unused)) 可结转至下月使用一次") }
        return .success(
            Quote(
                fromPackage: current.code, toPackage: target.code, upgrade: upgrade, effectiveOn: effective.description,
                newMonthlyFeeFen: target.monthlyFeeFen, proratedChargeFen: prorated, penaltyFen: penalty,
                remainingContractMonths: remainingMonths, carryOverMB: unused, notes: notes
            )
        )
    }
}
