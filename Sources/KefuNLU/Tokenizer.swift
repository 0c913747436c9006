/// Turns normalised text into features: character unigrams and bigrams of Chinese runs (robust to
/// typos and word boundaries), whole domain words by longest match, ASCII words with common pinyin
/// abbreviations expanded, and the shape of digit runs.
public struct Tokenizer: Sendable {
    public let lexicon: Set<String>
    let maxWordLength: Int

    /// Pinyin initials customers type for common words.
    public static let abbreviations: [String: String] = [
        "hf": "话费", "ll": "流量", "kd": "宽带", "zrg": "转人工", "rg": "人工", "tc": "套餐", "cz": "充值", "td": "退订",
        "xh": "信号", "jf": "积分", "fp": "发票", "mm": "密码", "xhzw": "携号转网", "kf": "客服", "zd": "账单", "yj": "移机",
    ]

    public init(lexicon: Set<String> = DomainLexicon.words) {
        self.lexicon = lexicon
        self.maxWordLength = lexicon.map(\.count).max() ?? 1
    }

    public enum Kind { case han, ascii, digit, other }

    static func kind(_ c: Character) -> Kind {
        if c.isASCII {
            if c.isNumber { return .digit }
            if c.isLetter { return .ascii }
            return .other
        }
        if let scalar = c.unicodeScalars.first, (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value) {
            return .han
        }
        return .other
    }

    /// Runs of one kind, in order.
    static func runs(_ text: String) -> [(Kind, String)] {
        var runs: [(Kind, String)] = []
        for c in text {
            let k = kind(c)
            if let last = runs.last, last.0 == k, k != .other {
                runs[runs.count - 1].1.append(c)
            } else {
                runs.append((k, String(c)))
            }
        }
        return runs
    }

    /// Domain words found by longest match from the left, the rest left to the n-grams.
    public func words(in run: String) -> [String] {
        let chars = Array(run)
        var found: [String] = []
        var index = 0
        while index < chars.count {
            var matched = false
            for length in stride(from: min(maxWordLength, chars.count - index), through: 2, by: -1) {
                let candidate = String(chars[index..<index + length])
                if lexicon.contains(candidate) {
                    found.append(candidate)
                    index += length
                    matched = true
                    break
                }
            }
            if !matched { index += 1 }
        }
        return found
    }

    public func tokens(_ normalized: String) -> [String] {
        var tokens: [String] = []
        for (kind, run) in Self.runs(normalized) {
            switch kind {
            case .han:
                let chars = Array(run)
                for c in chars { tokens.append(String(c)) }
                if chars.count > 1 { for i in 0..<(chars.count - 1) { tokens.append(String(chars[i...i + 1])) } }
                for word in words(in: run) { tokens.append("w:" + word) }
            case .ascii:
                tokens.append("a:" + run)
                if let expansion = Self.abbreviations[run] {
                    tokens.append("w:" + expansion)
                    for c in expansion { tokens.append(String(c)) }
                }
            case .digit:
                tokens.append(run.count >= 11 ? "d:long" : run.count >= 3 ? "d:mid" : "d:short")
            case .other:
                if run == "?" || run == "？" { tokens.append("p:?") }
            }
        }
        return tokens
    }
}

/// Words of the trade: the classifier sees them whole, and keywords are drawn from them.
public enum DomainLexicon {
    public static let words: Set<String> = [
        "话费", "账单", "明细", "扣费", "扣了", "月租", "消费", "充值", "缴费", "交话费", "到账", "预存", "余额", "流量", "剩余",
        "通话", "分钟", "短信", "余量", "超出", "套餐", "冰激凌", "5g套餐", "资费", "划算", "优惠", "改套餐", "升档", "降档",
        "变更", "换套餐", "退订", "会员", "增值业务", "彩铃", "包月", "莫名", "订购", "乱扣费", "多扣", "退钱", "退款",
        "退费", "费用", "不对", "重复扣费", "断网", "网速", "网速慢", "光猫", "红灯", "wifi", "宽带", "掉线", "上不了网",
        "装宽带", "移机", "预约", "安装", "装机", "信号", "信号差", "无服务", "打不出去", "打不通", "基站", "电视",
        "机顶盒", "iptv", "转圈", "回看", "补卡", "换卡", "激活", "puk", "esim", "sim卡", "停机", "复机", "挂失",
        "报停", "欠费", "办卡", "开户", "选号", "新号码", "靓号", "携号转网", "转网", "携转", "授权码", "销户", "注销",
        "拆机", "不用了", "漫游", "出国", "境外", "国际漫游", "港澳台", "发票", "电子发票", "报销", "抬头", "积分",
        "兑换", "积分商城", "服务密码", "密码", "忘记密码", "重置", "专线", "物联网卡", "政企", "集团", "企业", "投诉",
        "态度差", "工信部", "曝光", "赔偿", "不满意", "转人工", "人工", "人工客服", "真人", "机器人", "客服", "你好",
        "谢谢", "再见", "在吗", "天气", "笑话", "电影",
    ]
}
