import Foundation

/// The articles a new installation starts with: the bot's answers for intents it handles with words
/// rather than data, and the desk's suggested answers for every problem an agent meets, short, with the
/// steps to take. Written so an agent can send them as they are: how to reach a person or what to reply
/// to the bot is the bot's own wording, never an article's. Admins edit them afterwards in the console.
public enum SolutionLibrary {
    struct Article {
        var intent: Intent
        var title: String
        var answer: String
        var steps: [String]
    }

    static let articles: [Intent: Article] = Dictionary(uniqueKeysWithValues: [
        Article(intent: .broadbandFault, title: "宽带故障自检", answer: "我们先一起排查一下：", steps: [
            "请看一下光猫上的 LOS 指示灯：如果是红色或在闪烁，是光纤线路问题，我马上为您安排报修；",
            "LOS 灯正常的话，请把光猫断电 30 秒后重新通电，等 2 分钟再试；",
            "还不行的话，请重启路由器，或用网线把电脑直接连到光猫测试。",
        ]),
        Article(intent: .broadbandInstall, title: "宽带新装与移机", answer: "宽带新装和移机可在线预约：", steps: [
            "告诉客服您的详细地址，先查询是否已覆盖；", "选择套餐和上门时间，装维人员一般 48 小时内上门；", "移机需提供新地址，原账号和号码保持不变。",
        ]),
        Article(intent: .mobileSignal, title: "手机信号问题", answer: "信号问题可以先这样排查：", steps: [
            "开关一次飞行模式，或重启手机；", "在设置里确认已开启 4G/5G 和 VoLTE；", "如果固定地点长期没有信号，我可以为您登记网络问题，安排网络优化。",
        ]),
        Article(intent: .iptv, title: "电视/IPTV 故障", answer: "电视无法观看时请依次尝试：", steps: [
            "检查机顶盒与光猫之间的网线是否松动；", "机顶盒断电重启，等待 3 分钟；", "仍然转圈或提示错误代码，请把代码告诉我，我为您进一步处理。",
        ]),
        Article(intent: .simCard, title: "补换卡与激活", answer: "补换卡和激活的办法：", steps: [
            "补卡需本人身份证，可到营业厅或在线申请邮寄，号码不变；", "新卡插入手机后开机即自动激活；", "PUK 码可凭服务密码在线查询，请勿连续输错 10 次。",
        ]),
        Article(intent: .suspendResume, title: "停机、复机与挂失", answer: "停复机和挂失说明：", steps: [
            "手机丢失请立即挂失，以免被盗用；", "欠费停机的号码缴清欠费后自动复机；", "停机保号每月收取少量保号费，可随时复机。",
        ]),
        Article(intent: .accountOpen, title: "办理新号码", answer: "您可以在线选号开户：", steps: [
            "打开“在线选号开户”页面（/open）选择号码，号码为您保留 10 分钟；", "填写实名信息并完成人脸核验；", "年满16周岁可在线办理，每个身份证最多5个号码（一证五号）。",
        ]),
        Article(intent: .numberPortability, title: "携号转网", answer: "携号转网的条件和步骤：", steps: [
            "号码需已实名、入网满 120 天、无欠费且不在合约期内；", "编辑短信查询转网资格并获取授权码；", "凭授权码到新运营商办理，号码不变。",
        ]),
        Article(intent: .cancelAccount, title: "销户", answer: "销户前请注意：", steps: [
            "先结清费用，合约期内销户可能产生违约金；", "宽带拆机需归还光猫等设备；", "余额可在销户后退还到原支付账户。",
        ]),
        Article(intent: .roaming, title: "国际及港澳台漫游", answer: "出境前建议这样准备：", steps: [
            "确认已开通国际漫游功能；", "按目的地订购境外流量日包，比按量计费更划算；", "境外拨打国内号码请加拨 +86。",
        ]),
        Article(intent: .invoice, title: "发票", answer: "发票开具说明：", steps: [
            "电子发票可在“我的账户”按月或按充值记录开具；", "专票需提供公司名称、税号、地址电话和开户行；", "发票开具后发送到您的邮箱。",
        ]),
        Article(intent: .pointsRewards, title: "积分", answer: "积分使用说明：", steps: [
            "每消费 1 元累积 1 积分，积分有效期至次年年底；", "积分可兑换话费、流量和礼品；", "积分不可转让，兑换后不退回。",
        ]),
        Article(intent: .passwordReset, title: "服务密码", answer: "重置服务密码的方法：", steps: [
            "登录后凭短信验证码即可重置 6 位服务密码；", "密码连续输错 5 次会锁定 24 小时；", "请勿将服务密码告诉他人，客服不会向您索要密码。",
        ]),
        Article(intent: .enterprise, title: "政企业务", answer: "政企业务由专属客户经理服务：", steps: [
            "专线、物联网卡、集团网等可联系您的客户经理；", "专线故障由政企专席 7×24 小时受理，我可以马上为您登记；", "新业务需求请留下单位名称和联系人。",
        ]),
        Article(intent: .valueAddedCancel, title: "退订增值业务", answer: "退订增值业务：", steps: [
            "在“办理业务 → 增值业务”里可以看到每项业务和已扣费用；", "点击“退订”立即生效，次月不再扣费；", "对不明扣费有疑问，我可以为您核实并办理退费。",
        ]),
        // The desk's answers for what the bot answers from the customer's records.
        Article(intent: .billQuery, title: "账单查询", answer: "您的账单可以这样查看：", steps: [
            "登录后在“我的账户”查看每月账单和费用明细；", "每月 1 日出上月账单，同时发送账单短信；", "如对某项费用有疑问，我可以为您逐项核实。",
        ]),
        Article(intent: .billingDispute, title: "话费异议核实", answer: "非常理解您的心情，我马上为您核实这笔费用：", steps: [
            "我已调出您的账单明细，请告诉我是哪一项费用有疑问；", "如果是增值业务扣费，我会查明订购记录，未经您同意订购的为您退订并退费；",
            "核实结果 24 小时内回复您，处理期间不影响正常使用。",
        ]),
        Article(intent: .dataUsage, title: "流量与超出收费", answer: "流量使用说明：", steps: [
            "本月剩余流量可在“我的账户 → 号码与套餐”查看，融合套餐的主卡和副卡共享流量；", "超出套餐后按套餐规则计费，常用超出的话加装流量包更划算；",
            "如果用量异常，我可以为您查询详单。",
        ]),
        Article(intent: .recharge, title: "充值与复机", answer: "充值缴费的办法：", steps: [
            "在“办理业务 → 充值缴费”充值，支持微信、支付宝、银行卡，单笔 1–5000 元；", "欠费停机的号码缴清欠费后自动复机，一般几分钟内恢复；",
            "充值未到账的话，请把支付时间和金额告诉我，我为您查询。",
        ]),
        Article(intent: .packageChange, title: "套餐变更", answer: "套餐变更说明：", steps: [
            "升档可立即生效（本月按天补差价），也可次月 1 日生效；降档次月 1 日生效；", "合约期内改到低于合约最低档的套餐，需要支付违约金；",
            "我可以先为您出报价，您确认后再办理。",
        ]),
        Article(intent: .complaint, title: "投诉受理", answer: "非常抱歉给您带来不好的体验，我来为您处理：", steps: [
            "请您说一下具体情况和发生时间，我详细记录；", "我会为您创建投诉工单，24 小时内给您处理结果；", "处理进度可以在“我的工单”随时查看。",
        ]),
        Article(intent: .outOfScope, title: "其他问题", answer: "这个问题我暂时回答不了。我可以帮您查话费、查流量、充值、变更套餐、报宽带故障等，或输入“人工”联系客服。", steps: []),
    ].map { ($0.intent, $0) })

    /// Words customers use for each intent (shared/intents.md): what suggestions match on besides the intent.
    static let keywords: [Intent: [String]] = [
        .broadbandFault: ["断网", "网速慢", "光猫", "红灯", "wifi"], .broadbandInstall: ["装宽带", "移机", "预约"],
        .mobileSignal: ["信号差", "无服务", "打不出去", "5G"], .iptv: ["电视", "机顶盒", "IPTV", "转圈"],
        .simCard: ["补卡", "换卡", "激活", "PUK"], .suspendResume: ["停机", "复机", "挂失"], .accountOpen: ["办卡", "开户", "选号"],
        .numberPortability: ["携号转网", "转网"], .cancelAccount: ["销户", "注销"], .roaming: ["漫游", "出国", "境外流量"],
        .invoice: ["发票", "电子发票", "报销"], .pointsRewards: ["积分", "兑换"], .passwordReset: ["服务密码", "忘记密码", "重置"],
        .enterprise: ["专线", "物联网卡", "政企"], .valueAddedCancel: ["退订", "会员", "增值业务"], .outOfScope: [],
        .billQuery: ["账单", "话费", "月租"], .billingDispute: ["乱扣", "扣费", "多扣", "退费"], .dataUsage: ["流量", "超出", "副卡"],
        .recharge: ["充值", "缴费", "欠费"], .packageChange: ["换套餐", "升级", "降档", "合约"], .complaint: ["投诉", "不满意"],
    ]

    /// Earlier shipped wordings, by article id: an installation still holding one gets today's at start;
    /// an article an admin edited is never touched.
    public static let retiredWordings: [String: [(answer: String, steps: [String])]] = [
        "art-broadband-fault": [("先帮您做个简单自检：", [
            "看光猫指示灯：LOS 灯红色或闪烁，多为光纤线路问题，请输入“人工”为您报修；", "PON 灯闪烁或不亮：把光猫断电 30 秒后重启，等 2 分钟再试；",
            "灯都正常但上不了网：重启路由器，或用网线直连光猫测试；", "仍无法上网请回复“还是不行”，我马上为您创建报修工单。",
        ])],
        "art-mobile-signal": [("信号问题可以先这样排查：", [
            "开关一次飞行模式，或重启手机；", "在设置里确认已开启 4G/5G 和 VoLTE；", "如固定地点长期无信号，请输入“人工”登记网络问题，我们会安排网络优化。",
        ])],
        "art-iptv": [("电视无法观看时请依次尝试：", ["检查机顶盒与光猫之间的网线是否松动；", "机顶盒断电重启，等待 3 分钟；", "仍转圈或提示错误代码，请输入“人工”并告诉我们代码。"])],
        "art-enterprise": [("政企业务由专属客户经理服务：", [
            "专线、物联网卡、集团网等可联系您的客户经理；", "专线故障请输入“人工”，政企专席 7×24 小时受理；", "新业务需求请留下单位名称和联系人。",
        ])],
        "art-value-added-cancel": [("退订增值业务：", [
            "在“办理业务 → 增值业务”里可以看到每项业务和已扣费用；", "点击“退订”立即生效，次月不再扣费；", "对不明扣费有疑问，请输入“人工”处理退费。",
        ])],
    ]

    /// Articles first shipped with this wording: an installation seeded earlier gets them once.
    public static let addedArticles: Set<String> = [
        "art-bill-query", "art-billing-dispute", "art-data-usage", "art-recharge", "art-package-change", "art-complaint",
    ]

    /// Bumped when the shipped articles change: an installation upgrades its untouched articles once per wording.
    public static let wording = 2

    /// The built-in articles as stored rows, one per intent, with stable ids.
    public static func seeds(at now: Date) -> [SolutionArticle] {
        articles.values.sorted { $0.intent < $1.intent }.map {
            SolutionArticle(
                id: "art-" + $0.intent.rawValue.replacingOccurrences(of: "_", with: "-"), intent: $0.intent, title: $0.title, answer: $0.answer,
                steps: $0.steps, keywords: keywords[$0.intent] ?? [], updatedAt: now
            )
        }
    }
}
