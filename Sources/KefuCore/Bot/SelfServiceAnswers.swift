import Foundation

/// What the bot says from a customer's own records: the allowance left and what going over costs,
/// why a line is stopped and how to bring it back, what a plan change would cost. Pure text from data,
/// so the wording is tested without a chat.
public enum SelfServiceAnswers {
    /// This month's allowance: what is left, and what the overage costs.
    public static func allowance(_ a: Allowance) -> String {
        var text = "\(who(a))本月流量剩余 \(DataSize.text(mb: a.dataLeftMB))（共 \(DataSize.text(mb: a.dataQuotaMB))，已用 \(DataSize.text(mb: a.dataUsedMB))）"
        if a.voiceQuota > 0 { text += "，通话剩余 \(a.voiceLeft) 分钟（共 \(a.voiceQuota) 分钟）" }
        text += "。"
        if a.dataOverMB > 0 || a.voiceOver > 0 {
            text += "已超出套餐，按套餐规则本月目前产生超出费用 \(Money.format(fen: a.overageFen))（\(prices(a))），可考虑加装流量包。"
        } else {
            text += a.dataOverageFenPerGB > 0 ? "超出后流量按 \(Money.format(fen: a.dataOverageFenPerGB))/GB 计费。" : "超出后限速，不另收费。"
        }
        return text
    }

    /// "超了扣多少钱": the price first, then where the customer stands; a family's lines are told they
    /// draw on one pool, so a 副卡 costs nothing extra until the whole pool is used.
    public static func overage(_ a: Allowance) -> String {
        var text = a.shared
            ? "您的共享套餐里主卡和副卡（\(a.numbers.map(Masking.phone).joined(separator: "、"))）共用 \(DataSize.text(mb: a.dataQuotaMB)) 流量"
                + (a.voiceQuota > 0 ? "、\(a.voiceQuota) 分钟通话" : "") + "，副卡的用量计入共享池，全家合计用完后才产生超出费用："
            : "号码 \(Masking.phone(a.numbers[0])) 超出套餐后的收费："
        text += prices(a) + "。"
        text += "本月已用流量 \(DataSize.text(mb: a.dataUsedMB))，"
        text += a.dataOverMB > 0 || a.voiceOver > 0
            ? "已超出，目前超出费用 \(Money.format(fen: a.overageFen))；可在“办理业务”加装流量包或升级套餐。"
            : "还剩 \(DataSize.text(mb: a.dataLeftMB))，暂未产生超出费用。"
        return text
    }

    /// Whether a question about data or minutes asks what going over costs.
    public static func asksAboutPrice(_ text: String) -> Bool {
        ["多少钱", "扣多少", "收多少", "怎么收费", "怎么扣", "怎么算", "收费", "扣费", "超出", "超了", "超额", "用超"].contains { text.contains($0) }
    }

    /// Lines stopped for arrears, with what is owed and how to come back; nil when nothing is stopped so.
    public static func arrears(_ view: Customer360) -> String? {
        let stopped = view.subscriptions.filter { $0.status == .suspendedArrears }
        guard !stopped.isEmpty else { return nil }
        let owed = max(-view.customer.balanceFen, 0)
        let overdue = view.bills.filter { $0.status == .overdue }.map(\.month).sorted()
        var text = "您的号码 \(stopped.map { Masking.phone($0.number) }.joined(separator: "、")) 因欠费已停机"
        if !overdue.isEmpty { text += "（\(overdue.joined(separator: "、")) 账单逾期未缴）" }
        text += "，账户余额 \(Money.format(fen: view.customer.balanceFen))"
        if owed > 0 {
            text += "，欠费 \(Money.format(fen: owed))。充值 \(Money.format(fen: owed)) 或以上缴清欠费后自动复机"
        } else {
            text += "。余额已不欠费，复机正在处理"
        }
        return text + "，一般几分钟内恢复通话和上网。可在“办理业务 → 充值缴费”充值，支持微信、支付宝、银行卡。"
    }

    /// A plan-change question answered with the quote: effective date, the charge for an immediate
    /// upgrade, and the contract's penalty if the new plan is below its minimum.
    public static func planChange(
        number: String, from current: ServicePackage, to target: ServicePackage, nextMonth: PlanChange.Quote,
        immediately: PlanChange.Quote?, contract: Contract?, minimum: ServicePackage?
    ) -> String {
        var lines = ["号码 \(Masking.phone(number)) 从「\(current.name)」改为「\(target.name)」（\(Money.format(fen: target.monthlyFeeFen))/月）的报价："]
        if let now = immediately {
            lines.append("· 升档可立即生效，本月按剩余天数补差价 \(Money.format(fen: now.proratedChargeFen))；也可选 \(nextMonth.effectiveOn) 起生效，本月不补差价。")
        } else {
            let kind = target.monthlyFeeFen == current.monthlyFeeFen ? "同价变更" : "降档"
            lines.append("· \(kind)于 \(nextMonth.effectiveOn) 起生效，本月仍按原套餐计费。")
        }
        if let contract {
            let floor = minimum.map { "最低套餐「\($0.name)」" } ?? "合约最低套餐"
            if nextMonth.penaltyFen > 0 {
                lines.append("· 您在合约期内（至 \(contract.endsOn)，\(floor)），新套餐低于最低套餐，需支付违约金 \(Money.format(fen: nextMonth.penaltyFen))（每月优惠 \(Money.format(fen: contract.monthlyDiscountFen)) × 剩余 \(nextMonth.remainingContractMonths) 个月）。")
            } else {
                lines.append("· 您在合约期内（至 \(contract.endsOn)，\(floor)），新套餐不低于最低套餐，可以变更，不收违约金，合约优惠照常。")
            }
        } else {
            lines.append("· 没有合约限制，不收违约金。")
        }
        if nextMonth.carryOverMB > 0 { lines.append("· 本月剩余通用流量 \(DataSize.text(mb: nextMonth.carryOverMB)) 可结转至下月使用一次。") }
        lines.append("确认办理请到“办理业务 → 套餐变更”选择该套餐，获取报价后确认。")
        return lines.joined(separator: "\n")
    }

    private static func who(_ a: Allowance) -> String {
        a.shared ? "共享套餐（\(a.numbers.map(Masking.phone).joined(separator: "、"))）" : "号码 \(Masking.phone(a.numbers[0]))"
    }

    private static func prices(_ a: Allowance) -> String {
        let data = a.dataOverageFenPerGB > 0 ? "流量 \(Money.format(fen: a.dataOverageFenPerGB))/GB（不足 1GB 按 1GB 计）" : "流量超出后限速、不另收费"
        return a.voiceQuota > 0 ? "\(data)，国内通话 \(Money.format(fen: a.voiceOverageFenPerMinute))/分钟" : data
    }
}

/// The package a customer names in a question ("升级到199", "换成5G畅享129"), among those a line
/// could move to: by name, else by its monthly fee in yuan (a broadband plan also by its speed), narrowed
/// by a 4G/5G/冰激凌 word.
public enum PackageMention {
    public enum Found: Equatable, Sendable {
        case one(ServicePackage)
        case several([ServicePackage])
        case none
    }

    public static func find(in text: String, among catalog: [ServicePackage], movingFrom current: ServicePackage) -> Found {
        let compact = text.replacingOccurrences(of: " ", with: "").uppercased()
        let candidates = catalog.filter {
            $0.active && $0.code != current.code && PlanChange.family($0.category) == PlanChange.family(current.category)
        }
        if let named = candidates.first(where: { compact.contains($0.name.replacingOccurrences(of: " ", with: "").uppercased()) }) {
            return .one(named)
        }
        let numbers = Set(numbersIn(compact))
        // "199" is a fee; "1000M" of a broadband line is its speed.
        var priced = candidates.filter {
            ($0.monthlyFeeFen % 100 == 0 && numbers.contains(Int($0.monthlyFeeFen / 100)))
                || ($0.category == .broadband && $0.bandwidthMbps > 0 && numbers.contains($0.bandwidthMbps))
        }
        if priced.count > 1 {
            let narrowed = priced.filter { package in
                kindWords.contains { word, categories in compact.contains(word) && categories.contains(package.category) }
            }
            if !narrowed.isEmpty { priced = narrowed }
        }
        switch priced.count {
        case 0: return .none
        case 1: return .one(priced[0])
        default: return .several(priced)
        }
    }

    private static let kindWords: [(String, [ServicePackage.Category])] = [
        ("5G", [.mobile5G]), ("4G", [.mobile4G]), ("冰激凌", [.unlimited]), ("不限量", [.unlimited]), ("全家", [.family]), ("融合", [.family]),
    ]

    /// Runs of digits of two to five places (a fee, not an 11-digit phone number).
    private static func numbersIn(_ text: String) -> [Int] {
        var found: [Int] = []
        var run = ""
        for ch in text + " " {
            if ch.isASCII, ch.isNumber { run.append(ch); continue }
            if (2...5).contains(run.count), let value = Int(run) { found.append(value) }
            run = ""
        }
        return found
    }
}
