import Testing

@testable import KefuCore

@Suite struct BotPolicyTests {
    @Test func intentsChooseTheirGroup() {
        #expect(Intent.broadbandFault.skillGroup == .broadband)
        #expect(Intent.billingDispute.skillGroup == .billing)
        #expect(Intent.enterprise.skillGroup == .enterprise)
        #expect(Intent.simCard.skillGroup == .mobile)
    }

    /// The ids are part of the API: exactly those of shared/intents.md, each with a Chinese name.
    @Test func theIntentsAreThoseOfTheSpecification() {
        let ids = [
            "bill_query", "recharge", "data_usage", "package_inquiry", "package_change", "value_added_cancel", "billing_dispute",
            "broadband_fault", "broadband_install", "mobile_signal", "iptv", "sim_card", "suspend_resume", "account_open",
            "number_portability", "cancel_account", "roaming", "invoice", "points_rewards", "password_reset", "enterprise",
            "complaint", "human_agent", "greeting", "out_of_scope",
        ]
        #expect(Intent.allCases.map(\.rawValue) == ids)
        #expect(Set(Intent.allCases.map(\.displayName)).count == 25)
        #expect(Intent(rawValue: "bill") == nil)
        #expect(Intent.allCases.filter { !$0.describesAProblem } == [.humanAgent, .greeting, .outOfScope])
    }

    @Test func angerIsHeard() {
        #expect(BotPolicy.isAngry("我要去工信部投诉你们"))
        #expect(BotPolicy.isAngry("怎么还没好！！！"))
        #expect(BotPolicy.isAngry("到底怎么回事???"))
        #expect(!BotPolicy.isAngry("请问话费多少？"))
    }

    @Test func decisions() {
        #expect(BotPolicy.decide(intent: .billQuery, confidence: 0.9, runnerUp: (.recharge, 0.05), angry: false, failuresSoFar: 0) == .answer(intent: .billQuery))
        #expect(BotPolicy.decide(intent: .billQuery, confidence: 0.5, runnerUp: (.billingDispute, 0.45), angry: false, failuresSoFar: 0) == .clarify(first: .billQuery, second: .billingDispute))
        #expect(BotPolicy.decide(intent: .billQuery, confidence: 0.3, runnerUp: nil, angry: false, failuresSoFar: 0) == .notUnderstood)
        #expect(BotPolicy.decide(intent: .billQuery, confidence: 0.3, runnerUp: nil, angry: false, failuresSoFar: 1) == .handOver(reason: .notUnderstood))
        #expect(BotPolicy.decide(intent: .billQuery, confidence: 0.99, runnerUp: nil, angry: true, failuresSoFar: 0) == .handOver(reason: .upset))
        #expect(BotPolicy.decide(intent: .humanAgent, confidence: 0.8, runnerUp: nil, angry: false, failuresSoFar: 0) == .handOver(reason: .askedInWords))
    }
}
