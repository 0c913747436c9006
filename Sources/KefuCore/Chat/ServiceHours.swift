import Foundation

/// When a skill group's people work, in the service centre's time zone. Outside them, and when nobody of
/// the group is online, a customer asking for a person is told so at once and may leave a message.
public struct ServiceHours: Hashable, Sendable {
    /// One daily window: on these weekdays (1 = Monday … 7 = Sunday), from `opens` to `closes`, minutes
    /// after midnight, `closes` exclusive.
    public struct Window: Hashable, Sendable {
        public var weekdays: Set<Int>
        public var opens: Int
        public var closes: Int

        public init(weekdays: Set<Int>, opens: Int, closes: Int) {
            self.weekdays = weekdays
            self.opens = opens
            self.closes = closes
        }

        public static let always = Window(weekdays: Set(1...7), opens: 0, closes: 24 * 60)
    }

    public var windows: [SkillGroup: Window]
    public var timeZone: TimeZone

    public init(windows: [SkillGroup: Window], timeZone: TimeZone = ServiceHours.chinaTime) {
        self.windows = windows
        self.timeZone = timeZone
    }

    public static let chinaTime = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// A carrier's chat: the consumer groups around the clock, enterprise accounts in office hours.
    public static let standard = ServiceHours(windows: [.enterprise: Window(weekdays: Set(1...5), opens: 9 * 60, closes: 18 * 60)])
    public static let always = ServiceHours(windows: [:])

    /// A group without a window of its own is open around the clock.
    public func window(for group: SkillGroup) -> Window { windows[group] ?? .always }

    public func isOpen(_ group: SkillGroup, at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        // Calendar counts Sunday as 1; the window counts Monday as 1.
        let weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let window = window(for: group)
        return window.weekdays.contains(weekday) && minute >= window.opens && minute < window.closes
    }

    /// The hours as a customer reads them, e.g. "周一至周五 9:00–18:00".
    public func describe(_ group: SkillGroup) -> String {
        let window = window(for: group)
        if window == .always { return "全天24小时" }
        let names = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        let days = window.weekdays.sorted()
        let dayText: String
        if days == Array(1...7) {
            dayText = "每天"
        } else if let first = days.first, let last = days.last, days == Array(first...last), days.count > 2 {
            dayText = "\(names[first])至\(names[last])"
        } else {
            dayText = days.map { names[$0] }.joined(separator: "、")
        }
        func clock(_ m: Int) -> String { String(format: "%d:%02d", m / 60, m % 60) }
        return "\(dayText) \(clock(window.opens))–\(clock(window.closes))"
    }

    /// Reads one group's hours as an operator writes them: `enterprise=1-5@09:00-18:00`,
    /// `vip=1,2,3,4,5,6,7@08:00-22:00` or `billing=always`; nil when it is not that shape.
    public static func parse(_ text: String) -> (SkillGroup, Window)? {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let group = SkillGroup(rawValue: parts[0].trimmingCharacters(in: .whitespaces)) else { return nil }
        if parts[1] == "always" { return (group, .always) }
        let halves = parts[1].split(separator: "@").map(String.init)
        guard halves.count == 2 else { return nil }
        var days = Set<Int>()
        for item in halves[0].split(separator: ",") {
            let bounds = item.split(separator: "-").compactMap { Int($0) }
            guard (1...2).contains(bounds.count), let low = bounds.first, let high = bounds.last, 1 <= low, low <= high, high <= 7 else { return nil }
            days.formUnion(low...high)
        }
        func minutes(_ s: Substring) -> Int? {
            let hm = s.split(separator: ":").compactMap { Int($0) }
            guard hm.count == 2, (0...24).contains(hm[0]), (0...59).contains(hm[1]), hm[0] * 60 + hm[1] <= 24 * 60 else { return nil }
            return hm[0] * 60 + hm[1]
        }
        let times = halves[1].split(separator: "-")
        guard !days.isEmpty, times.count == 2, let opens = minutes(times[0]), let closes = minutes(times[1]), opens < closes else { return nil }
        return (group, Window(weekdays: days, opens: opens, closes: closes))
    }
}
