/// The package catalog the demo installation starts with: plans as Chinese carriers sell them.
public enum DemoCatalog {
    public static let packages: [ServicePackage] = [
        .init(code: "M4G-19", name: "4G畅聊卡 19元", category: .mobile4G, monthlyFeeFen: 1900, dataMB: 5 * 1024, voiceMinutes: 100, smsCount: 50),
        .init(code: "M4G-39", name: "4G畅享 39元", category: .mobile4G, monthlyFeeFen: 3900, dataMB: 15 * 1024, voiceMinutes: 200, smsCount: 100),
        .init(code: "M4G-59", name: "4G畅享 59元", category: .mobile4G, monthlyFeeFen: 5900, dataMB: 30 * 1024, voiceMinutes: 300, smsCount: 100),
        .init(code: "M5G-79", name: "5G畅享 79元", category: .mobile5G, monthlyFeeFen: 7900, dataMB: 40 * 1024, voiceMinutes: 300, smsCount: 100, benefits: ["5G网络优先"]),
        .init(code: "M5G-129", name: "5G畅享 129元", category: .mobile5G, monthlyFeeFen: 12900, dataMB: 80 * 1024, voiceMinutes: 600, smsCount: 200, benefits: ["5G网络优先", "视频会员月卡"]),
        .init(code: "M5G-199", name: "5G尊享 199元", category: .mobile5G, monthlyFeeFen: 19900, dataMB: 150 * 1024, voiceMinutes: 1000, smsCount: 300, benefits: ["5G网络优先", "视频会员月卡", "机场贵宾厅"]),
        .init(code: "ICE-99", name: "冰激凌 99元", category: .unlimited, monthlyFeeFen: 9900, dataMB: 60 * 1024, voiceMinutes: 500, smsCount: 100, benefits: ["超出后限速1Mbps不另收费"], dataOverageFenPerGB: 0),
        .init(code: "ICE-199", name: "冰激凌 199元", category: .unlimited, monthlyFeeFen: 19900, dataMB: 120 * 1024, voiceMinutes: 1500, smsCount: 200, benefits: ["超出后限速3Mbps不另收费", "副卡2张"], dataOverageFenPerGB: 0),
        .init(code: "FAM-169", name: "全家享 169元（300M宽带+2卡+IPTV）", category: .family, monthlyFeeFen: 16900, dataMB: 80 * 1024, voiceMinutes: 1000, smsCount: 200, bandwidthMbps: 300, sharedData: true, maxLines: 3, benefits: ["共享流量", "IPTV基础包"]),
        .init(code: "FAM-229", name: "全家享 229元（1000M宽带+4卡+IPTV）", category: .family, monthlyFeeFen: 22900, dataMB: 150 * 1024, voiceMinutes: 2000, smsCount: 300, bandwidthMbps: 1000, sharedData: true, maxLines: 5, benefits: ["共享流量", "IPTV全家包", "FTTR组网"]),
        .init(code: "BB-100", name: "宽带 100M 单宽", category: .broadband, monthlyFeeFen: 5000, dataMB: 0, voiceMinutes: 0, bandwidthMbps: 100),
        .init(code: "BB-300", name: "宽带 300M 单宽", category: .broadband, monthlyFeeFen: 8000, dataMB: 0, voiceMinutes: 0, bandwidthMbps: 300),
        .init(code: "BB-1000", name: "宽带 1000M 单宽", category: .broadband, monthlyFeeFen: 12000, dataMB: 0, voiceMinutes: 0, bandwidthMbps: 1000, benefits: ["FTTR组网"]),
        .init(code: "IPTV-15", name: "IPTV 基础包", category: .iptv, monthlyFeeFen: 1500, dataMB: 0, voiceMinutes: 0, benefits: ["直播120套", "7天回看"]),
        .init(code: "ENT-LINE-100", name: "政企互联网专线 100M", category: .enterpriseLine, monthlyFeeFen: 300_000, dataMB: 0, voiceMinutes: 0, bandwidthMbps: 100, benefits: ["固定公网IP", "7x24保障"]),
        .init(code: "ENT-LINE-1000", name: "政企互联网专线 1000M", category: .enterpriseLine, monthlyFeeFen: 1_500_000, dataMB: 0, voiceMinutes: 0, bandwidthMbps: 1000, benefits: ["固定公网IP", "7x24保障", "双路由"]),
        .init(code: "IOT-5", name: "物联网卡 5元 100MB", category: .iot, monthlyFeeFen: 500, dataMB: 100, voiceMinutes: 0, smsCount: 10, dataOverageFenPerGB: 1000),
        .init(code: "IOT-20", name: "物联网卡 20元 2GB", category: .iot, monthlyFeeFen: 2000, dataMB: 2 * 1024, voiceMinutes: 0, smsCount: 50, dataOverageFenPerGB: 800),
    ]

    /// Value-added services some demo lines carry.
    public static let valueAdded: [ValueAddedCharge] = [
        .init(name: "视频会员 月包", monthlyFeeFen: 1500),
        .init(name: "彩铃 月包", monthlyFeeFen: 500),
        .init(name: "云盘 50G", monthlyFeeFen: 1000),
        .init(name: "来电提醒", monthlyFeeFen: 200),
    ]

    /// Words agents must not send, as a service centre's QA team would list them.
    public static let forbiddenWords: [ForbiddenWord] = [
        .init(id: "fw-demo-1", word: "不知道", suggestion: "我帮您查询一下"),
        .init(id: "fw-demo-2", word: "不归我管", suggestion: "我帮您转接至相关部门"),
        .init(id: "fw-demo-3", word: "你自己看", suggestion: "我来为您说明一下"),
        .init(id: "fw-demo-4", word: "没办法", suggestion: "我们一起想想办法"),
        .init(id: "fw-demo-5", word: "系统问题", suggestion: "我已记录并为您跟进"),
    ]

    public static let teamReplies: [QuickReply] = [
        // The system greets with the agent's number on assignment; the agent's own first words follow on
        // from it rather than greeting a second time.
        .init(id: "qr-demo-hi", ownerId: nil, shortcode: "/hi", text: "{客户姓名}您好，我已看过您前面的咨询记录，请稍等，我马上为您处理。"),
        .init(id: "qr-demo-wait", ownerId: nil, shortcode: "/wait", text: "请您稍等，我正在为您查询。"),
        .init(id: "qr-demo-bill", ownerId: nil, shortcode: "/bill", text: "您可以在“我的账户”查看本月账单明细，如对某一项费用有疑问，请告诉我具体项目。"),
        .init(id: "qr-demo-bye", ownerId: nil, shortcode: "/bye", text: "感谢您的耐心，祝您生活愉快！如还有问题，欢迎随时咨询。"),
    ]

    public static let regions: [(city: String, districts: [String], areaCode: String, idRegion: String)] = [
        ("杭州", ["西湖区", "上城区", "拱墅区", "滨江区", "余杭区"], "0571", "330106"),
        ("南京", ["玄武区", "秦淮区", "鼓楼区", "建邺区"], "025", "320102"),
        ("成都", ["锦江区", "青羊区", "武侯区", "成华区"], "028", "510104"),
    ]
}
