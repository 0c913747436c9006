/// Recharging (充值缴费).
public enum RechargeRules {
    public static let minimumFen: Int64 = 100
    public static let maximumFen: Int64 = 500_000

    public enum Problem: Error, Equatable, Sendable {
        case malformed, outOfRange

        public var message: String {
            switch self {
            case .malformed: "金额格式不正确，最多两位小数"
            case .outOfRange: "单笔充值金额为1元至5000元"
            }
        }
    }

    /// Parses an amount a person typed, in yuan: 1 to 5,000 with at most two decimals.
    public static func amount(yuan text: String) -> Result<Int64, Problem> {
        guard let fen = Money.parseYuan(text) else { return .failure(.malformed) }
        guard (minimumFen...maximumFen).contains(fen) else { return .failure(.outOfRange) }
        return .success(fen)
    }

    /// A line stopped for arrears comes back as soon as the balance is zero or more.
    public static func shouldResume(_ status: Subscription.Status, balanceFen: Int64) -> Bool {
        status == .suspendedArrears && balanceFen >= 0
    }
}
