import Foundation
import KefuCore
import KefuNLU
import KefuStore

/// 数据反馈 for the product teams: the indexer that reads new customer messages and tickets with the
/// bot's language model, and the report of a period's most used and fastest-rising words against the
/// days just before, each with how it splits by problem and district and a few masked samples.
struct HotTopicsDesk: Sendable {
    let store: Store
    let brain: BotBrain
    let now: @Sendable () -> Date

    /// Later messages may still be committing behind an earlier timestamp; the indexer leaves them this long.
    static let settle: TimeInterval = 10

    /// Indexes what was written since the last run, a batch at a time, until it has caught up or spent
    /// `rounds` batches; how many messages and tickets it read.
    @discardableResult
    func index(batch: Int = 1_000, rounds: Int = 20) async throws -> Int {
        let nlu = brain.nlu
        let read: TopicRepository.Reader = { text in nlu.topicReading(text) }
        var total = 0
        for _ in 0..<rounds {
            let done = try await store.topics.index(batch: batch, settledBefore: now().addingTimeInterval(-Self.settle), read: read)
            total += done
            if done == 0 { break }
        }
        return total
    }

    /// The report as its reader may see it: the samples' words masked for staff.
    func report(_ period: HotTopics.Period, _ filter: TopicRepository.Filter, limit: Int, for principal: Principal) async throws -> TopicRepository.Report {
        try SurveyPolicy.read(principal).require("热点话题")
        var report = try await store.topics.report(period, filter, limit: limit)
        func masked(_ topic: TopicRepository.Topic) -> TopicRepository.Topic {
            var copy = topic
            copy.samples = topic.samples.map { sample in
                var shown = sample
                shown.text = PersonalData.shown(text: sample.text, to: principal)
                return shown
            }
            return copy
        }
        report.frequent = report.frequent.map(masked)
        report.rising = report.rising.map(masked)
        return report
    }

    static let csvHeader = ["榜单", "关键词", "本期次数", "上期次数", "变化", "主要意图", "主要地区", "示例"]

    /// Both lists as rows for a spreadsheet: which list, the word, both counts, the change, where it comes from, one sample.
    static func csv(_ report: TopicRepository.Report) -> String {
        var text = "\u{FEFF}" + CSV.row(csvHeader.map { .text($0) })
        for (list, topics) in [("高频", report.frequent), ("上升", report.rising)] {
            for t in topics {
                text += CSV.row([
                    .text(list), .text(t.count.keyword), .count(t.count.count), .count(t.count.previous),
                    .text(change(t.count)),
                    .text(t.intents.map { "\(intentLabel($0.value)) \($0.count)" }.joined(separator: "；")),
                    .text(t.districts.map { "\($0.value.isEmpty ? "未知" : $0.value) \($0.count)" }.joined(separator: "；")),
                    .text(t.samples.first?.text ?? ""),
                ])
            }
        }
        return text
    }

    /// In words, so no cell starts with a sign a spreadsheet would take for a formula.
    static func change(_ c: HotTopics.Count) -> String {
        guard let ratio = c.ratio else { return "新出现" }
        let percent = Int(((ratio - 1) * 100).rounded())
        return percent == 0 ? "持平" : percent > 0 ? "增加 \(percent)%" : "减少 \(-percent)%"
    }

    static func intentLabel(_ raw: String) -> String {
        Intent(rawValue: raw)?.displayName ?? "未识别"
    }
}
