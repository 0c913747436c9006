import Testing

@testable import KefuCore

@Suite struct BotPolicyTests {
    @Test func intentsChooseTheirGroup() {
        #expect(BotPolicy.skill(for: "broadband_fault") == .broadband)
        #expect(BotPolicy.skill(for: "billing_dispute") == .billing)
        #expect(BotPolicy.skill(for: "enterprise") == .enterprise)
        #expect(BotPolicy.skill(for: "sim_card") == .mobile)
    }

    @Test func angerIsHeard() {
        #expect(BotPolicy.isAngry("我要去工信部投诉你们"))
        #expect(BotPolicy.isAngry("怎么还没好！！！"))
        #expect(BotPolicy.isAngry("到底怎么回事???"))
        #expect(!BotPolicy.isAngry("请问话费多少？"))
    }

    @Test func decisions() {
        #expect(BotPolicy.decide(intent: "bill_query", confidence: 0.9, runnerUp: ("recharge", 0.05), angry: false, failuresSoFar: 0) == .answer(intent: "bill_query"))
        #expect(BotPolicy.decide(intent: "bill_query", confidence: 0.5, runnerUp: ("billing_dispute", 0.45), angry: false, failuresSoFar: 0) == .clarify(first: "bill_query", second: "billing_dispute"))
        #expect(BotPolicy.decide(intent: "bill_query", confidence: 0.3, runnerUp: nil, angry: false, failuresSoFar: 0) == .notUnderstood)
        #expect(BotPolicy.decide(intent: "bill_query", confidence: 0.3, runnerUp: nil, angry: false, failuresSoFar: 1) == .handOver(reason: "机器人两次未能理解"))
        #expect(BotPolicy.decide(intent: "bill_query", confidence: 0.99, runnerUp: nil, angry: true, failuresSoFar: 0) == .handOver(reason: "客户情绪激动或要求投诉"))
        #expect(BotPolicy.decide(intent: "human_agent", confidence: 0.8, runnerUp: nil, angry: false, failuresSoFar: 0) == .handOver(reason: "客户要求人工服务"))
    }
}
