import Foundation
import HummingbirdTesting
import KefuCore
import KefuServer
import KefuStore
import Synchronization
import Testing

/// The bot's answers from the customer's own records, on the demo's three known customers: a family
/// pool (13800138000), a line stopped for arrears (13900139001), a 5G plan under contract (18600186002).
@Suite struct BotAnswerTests {
    static func ask(_ phone: String, _ questions: [String]) async throws -> [String] {
        let answers = Mutex<[String]>([])
        try await TestApp.run(mode: .live) { client, sms, _ in
            let (customer, id) = try await ChatTests.botChat(client, sms: sms, phone: phone)
            for (n, question) in questions.enumerated() {
                let said = try await BotFaultTests.botSays(customer, id, "q\(n)", question)
                answers.withLock { $0.append(said) }
            }
            await customer.close()
        }
        return answers.withLock { $0 }
    }

    @Test func overageOnAFamilyLineIsPricedFromThePool() async throws {
        let said = try await Self.ask("13800138000", ["副卡流量超了扣多少钱"])[0]
        // FAM-229's rules: the pool is shared, and overage is priced per GB (¥3) and per minute.
        #expect(said.contains("共用 150GB") && said.contains("副卡的用量计入共享池"), "\(said)")
        #expect(said.contains("¥3.00/GB") && said.contains("/分钟") && (said.contains("还剩") || said.contains("已超出")), "\(said)")
    }

    @Test func aPlanChangeQuestionGetsTheQuote() async throws {
        let answers = try await Self.ask("18600186002", ["5G升级到199合约期内可以吗", "那降到39元的可以吗"])
        let up = answers[0]
        #expect(up.contains("5G畅享 129元") && up.contains("5G尊享 199元") && up.contains("立即生效") && up.contains("补差价"), "\(up)")
        #expect(up.contains("合约期内") && up.contains("不收违约金") && !up.contains("目前的套餐已经比较合适"), "\(up)")
        let down = answers[1]
        #expect(down.contains("4G畅享 39元") && down.contains("降档于") && down.contains("起生效"), "\(down)")
        #expect(down.contains("违约金 ¥") && down.contains("剩余"), "\(down)")
    }

    @Test func anArrearsStopIsExplainedWithTheAmount() async throws {
        let answers = try await Self.ask("13900139001", ["我手机怎么停机了", "怎么充值"])
        for said in answers {
            #expect(said.contains("因欠费已停机") && said.contains("欠费 ¥") && said.contains("充值缴费") && said.contains("自动复机"), "\(said)")
        }
    }
}
