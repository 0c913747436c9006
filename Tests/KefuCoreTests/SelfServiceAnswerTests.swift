import Foundation
@testable import KefuCore
import Testing

/// The self-check dialogue and the bot's answers from records, as rules without a chat.
@Suite struct SelfServiceAnswerTests {
    @Test func everyStepAsksOneThingWithOneWayToAnswer() {
        for step in SelfCheck.Step.allCases {
            let prompt = SelfCheck.prompt(step)
            #expect(SelfCheck.step(askedIn: prompt) == step)
            #expect(!prompt.contains("人工"), "\(prompt)")
            // Each sentence said once: the old check repeated its last one.
            let sentences = prompt.split(whereSeparator: { "。\n".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(Set(sentences).count == sentences.count, "\(prompt)")
        }
        #expect(SelfCheck.step(askedIn: "您好") == nil)
    }

    @Test(arguments: [
        (SelfCheck.Step.losLight, "不是", SelfCheck.Move.ask(.restartModem)),
        (.losLight, "LOS灯不亮，是绿灯", .ask(.restartModem)),
        (.losLight, "是的一直红", .openTicket(found: "光猫 LOS 灯红色或闪烁，光纤线路故障")),
        (.losLight, "还是不行", .ask(.losLight)),
        (.losLight, "帮我查话费", .leave),
        (.restartModem, "还是不行", .ask(.restartRouter)),
        (.restartModem, "好了，谢谢", .fixed),
        (.restartModem, "没好", .ask(.restartRouter)),
        (.restartRouter, "重启了也没用", .openTicket(found: "光猫 LOS 灯正常，已重启光猫和路由器，仍无法上网")),
        (.restartRouter, "可以上网了", .fixed),
        (.restartRouter, "我想办张新卡", .leave),
    ])
    func repliesMoveTheCheck(step: SelfCheck.Step, reply: String, move: SelfCheck.Move) {
        #expect(SelfCheck.next(after: step, reply: reply, aboutTheFault: false) == move)
    }

    @Test func aFaultMessageMidCheckCountsAsNotFixed() {
        #expect(SelfCheck.next(after: .restartModem, reply: "宽带还是断的", aboutTheFault: true) == .ask(.restartRouter))
    }

    @Test func theNamedPlanIsFoundByNameFeeOrSpeed() {
        let catalog = DemoCatalog.packages
        let plan = { (code: String) in catalog.first { $0.code == code }! }
        #expect(PackageMention.find(in: "5G升级到199合约期内可以吗", among: catalog, movingFrom: plan("M5G-129")) == .one(plan("M5G-199")))
        #expect(PackageMention.find(in: "换成冰激凌199", among: catalog, movingFrom: plan("M5G-129")) == .one(plan("ICE-199")))
        #expect(PackageMention.find(in: "改成4G畅享 39元", among: catalog, movingFrom: plan("M5G-129")) == .one(plan("M4G-39")))
        if case .several(let both) = PackageMention.find(in: "换199的套餐", among: catalog, movingFrom: plan("M5G-129")) {
            #expect(Set(both.map(\.code)) == ["M5G-199", "ICE-199"])
        } else {
            Issue.record("199 alone names two plans")
        }
        #expect(PackageMention.find(in: "宽带升级到1000M", among: catalog, movingFrom: plan("BB-100")) == .one(plan("BB-1000")))
        // A phone number is not a fee, and the current plan is not a move.
        #expect(PackageMention.find(in: "18600186002 想换套餐", among: catalog, movingFrom: plan("M5G-129")) == .none)
        #expect(PackageMention.find(in: "还是129吧", among: catalog, movingFrom: plan("M5G-129")) == .none)
    }

    @Test func overageIsPricedFromThePlanAndAPoolIsSaidToBeShared() {
        let pool = Allowance(
            month: "2026-12", numbers: ["13800138000", "13800138011"], shared: true, dataQuotaMB: 150 * 1024, dataUsedMB: 151 * 1024 + 10,
            voiceQuota: 2000, voiceUsed: 100, dataOverageFenPerGB: 500, voiceOverageFenPerMinute: 15
        )
        let said = SelfServiceAnswers.overage(pool)
        #expect(said.contains("共用 150GB") && said.contains("¥5.00/GB") && said.contains("¥0.15/分钟") && said.contains("超出费用 ¥10.00"), "\(said)")
        var unlimited = pool
        unlimited.shared = false
        unlimited.dataOverageFenPerGB = 0
        unlimited.dataUsedMB = 10
        #expect(SelfServiceAnswers.overage(unlimited).contains("限速、不另收费"))
        #expect(SelfServiceAnswers.asksAboutPrice("副卡流量超了扣多少钱") && !SelfServiceAnswers.asksAboutPrice("流量还剩多少"))
    }
}
