/// What a customer's message is about: exactly the 25 ids of `shared/intents.md`. The raw values are part
/// of the API (`POST /api/v1/bot/classify`, `kefu nlu eval`, training phrases, articles, tickets).
public enum Intent: String, Codable, Sendable, CaseIterable, Comparable {
    case billQuery = "bill_query"
    case recharge
    case dataUsage = "data_usage"
    case packageInquiry = "package_inquiry"
    case packageChange = "package_change"
    case valueAddedCancel = "value_added_cancel"
    case billingDispute = "billing_dispute"
    case broadbandFault = "broadband_fault"
    case broadbandInstall = "broadband_install"
    case mobileSignal = "mobile_signal"
    case iptv
    case simCard = "sim_card"
    case suspendResume = "suspend_resume"
    case accountOpen = "account_open"
    case numberPortability = "number_portability"
    case cancelAccount = "cancel_account"
    case roaming
    case invoice
    case pointsRewards = "points_rewards"
    case passwordReset = "password_reset"
    case enterprise
    case complaint
    case humanAgent = "human_agent"
    case greeting
    case outOfScope = "out_of_scope"

    /// How the bot and the pages name the intent to people.
    public var displayName: String {
        switch self {
        case .billQuery: "查询话费账单"
        case .recharge: "充值缴费"
        case .dataUsage: "查询流量和通话余量"
        case .packageInquiry: "了解套餐"
        case .packageChange: "变更套餐"
        case .valueAddedCancel: "退订增值业务"
        case .billingDispute: "费用争议"
        case .broadbandFault: "宽带故障"
        case .broadbandInstall: "宽带新装或移机"
        case .mobileSignal: "手机信号问题"
        case .iptv: "电视/IPTV"
        case .simCard: "补换卡和激活"
        case .suspendResume: "停机复机和挂失"
        case .accountOpen: "办理新号码"
        case .numberPortability: "携号转网"
        case .cancelAccount: "销户"
        case .roaming: "国际及港澳台漫游"
        case .invoice: "发票"
        case .pointsRewards: "积分"
        case .passwordReset: "服务密码"
        case .enterprise: "政企业务"
        case .complaint: "投诉"
        case .humanAgent: "转人工"
        case .greeting: "问候"
        case .outOfScope: "其他问题"
        }
    }

    /// The skill group that serves the intent when the chat goes to a person.
    public var skillGroup: SkillGroup {
        switch self {
        case .billQuery, .recharge, .billingDispute, .invoice, .pointsRewards, .valueAddedCancel: .billing
        case .broadbandFault, .broadbandInstall, .iptv: .broadband
        case .enterprise: .enterprise
        default: .mobile
        }
    }

    /// "人工", "你好" or something unrelated say nothing about the customer's problem: a chat's topic,
    /// its group and its ticket come from the other messages.
    public var describesAProblem: Bool {
        switch self {
        case .humanAgent, .greeting, .outOfScope: false
        default: true
        }
    }

    public static func < (a: Intent, b: Intent) -> Bool { a.rawValue < b.rawValue }
}
