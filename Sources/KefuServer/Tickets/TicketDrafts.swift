import Foundation
import KefuCore
import KefuNLU

/// A ticket prefilled from a conversation: the agent (or the bot) only checks and submits it.
enum TicketDrafts {
    /// What the chat says about the ticket to open; the agent or the bot turns it into a `TicketRepository.Draft`.
    struct Prefill {
        var type: TicketType
        var title: String
        var fields: [String: String]
        var subscriptionId: String?
        var service: TicketService
        var intent: Intent?
        var keywords: [String]
        var summary: String
    }

    static func make(conversation: Conversation, messages: [ChatMessage], customer: Customer, view: Customer360?, nlu: NLU, now: Date) -> Prefill {
        let said = messages.filter { $0.sender == .customer }.map(\.text).filter { !$0.isEmpty }
        let readings = said.map(nlu.understand)
        // The chat's topic: the intent with the most confidence summed over the customer's messages,
        // so a short follow-up ("重启了也不行") does not outweigh the description of the problem.
        let weights = readings.filter(\.intent.describesAProblem).reduce(into: [Intent: Double]()) { $0[$1.intent, default: 0] += $1.confidence }
        let intent = weights.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        var keywords: [String] = []
        for reading in readings { for word in reading.keywords where !keywords.contains(word) { keywords.append(word) } }
        // "人工", "你好" say nothing about the problem: leave them out of the summary when there is more.
        let topical = zip(said, readings).filter { $0.1.intent.describesAProblem }.map(\.0)
        let summary = String((topical.isEmpty ? said : topical).suffix(5).joined(separator: " / ").prefix(300))
        let type = TicketType.forIntent(intent)
        let wantedKind: Subscription.Kind? =
            switch intent {
            case .broadbandFault, .broadbandInstall: .broadband
            case .iptv: .iptv
            case .enterprise: .dedicatedLine
            case nil: nil
            default: .mobile
            }
        let line = view?.subscriptions.first { $0.kind == wantedKind } ?? view?.subscriptions.first
        let name = intent?.displayName ?? "客户咨询"
        var fields: [String: String] = [:]
        let botTried = messages.contains { $0.sender == .bot && ($0.text.contains("指示灯") || $0.text.contains("重启")) }
        switch type {
        case .fault:
            fields = [
                "symptom": summary,
                "stepsTaken": botTried ? "机器人已引导客户检查光猫指示灯并重启设备，问题仍在" : "坐席已与客户初步沟通",
                "resolutionStatus": "未解决，需后台/上门处理",
            ]
        case .complaint:
            fields = ["subject": name, "details": summary, "expectedOutcome": ""]
        case .billingDispute:
            let month = readings.lazy.compactMap { $0.entities.first { $0.kind == .month } }.first.flatMap { billMonth($0, now: now) }
            let fen = readings.lazy.compactMap { $0.entities.first { $0.kind == .amount } }.first.flatMap { Int64($0.normalized) }
            fields = [
                "billMonth": month ?? "", "disputedItem": keywords.first ?? "",
                "disputedAmount": fen.map { String(format: "%.2f", Double($0) / 100) } ?? "", "reason": summary,
            ]
        case .businessRequest:
            fields = ["requestType": name, "details": summary]
        }
        return Prefill(
            type: type, title: "\(name)：\(keywords.prefix(3).joined(separator: "、"))".trimmingCharacters(in: CharacterSet(charactersIn: "：")),
            fields: fields, subscriptionId: line?.id, service: TicketService(line: line?.kind), intent: intent,
            keywords: Array(keywords.prefix(10)), summary: summary
        )
    }

    /// 上个月 (an offset) or 3月 (a month number) as YYYY-MM: a month number ahead of today means last year's.
    static func billMonth(_ entity: Understanding.Entity, now: Date) -> String? {
        let today = CalendarDate(chinaTime: now).firstOfMonth
        guard let value = Int(entity.normalized) else { return nil }
        if entity.value.first?.isNumber == false { return today.addingMonths(value).monthKey }
        guard (1...12).contains(value) else { return nil }
        let year = value > today.month ? today.year - 1 : today.year
        return CalendarDate(year: year, month: value, day: 1)?.monthKey
    }
}
