import Foundation
import Testing

@testable import KefuCore

@Suite struct MaskingTests {
    @Test func phoneKeepsThreeAndFour() {
        #expect(Masking.phone("13812345678") == "138****5678")
    }

    @Test func nameKeepsTheSurname() {
        #expect(Masking.name("张三") == "张*")
        #expect(Masking.name("欧阳娜娜") == "欧***")
    }

    @Test func idNumberKeepsTheLastFour() {
        #expect(Masking.idNumber("11010519491231002X") == "**************002X")
    }

    /// Free text keeps amounts, months, ticket numbers and counts; numbers shaped like a mobile, an ID
    /// number or a card are masked as their field would be.
    @Test(arguments: [
        ("开通 13900139001（M5G-129）", "开通 139****9001（M5G-129）"),
        ("身份证11010519491231002X，电话 13812345678。", "身份证**************002X，电话 138****5678。"),
        ("卡号6222021234567890123", "卡号***************0123"),
        ("3月话费129.50元，工单 T20261201-0042，流量 81920MB", "3月话费129.50元，工单 T20261201-0042，流量 81920MB"),
        ("座机 057188888888 和 12345678901", "座机 057188888888 和 12345678901"),
        ("全角１３８１２３４５６７８", "全角１３８****５６７８"),
    ])
    func freeTextMasksNumbersShapedLikePersonalOnes(_ text: String, _ masked: String) {
        #expect(Masking.text(text) == masked)
    }

    @Test func freeTextMasksTheNamesItIsGiven() {
        #expect(Masking.text("张三说张三丰不是他", names: ["张三", "张三丰"]) == "张*说张**不是他")
    }

    @Test func customerMaskingCoversEveryPersonalField() {
        let customer = Customer(
            id: "c1", name: "张三", idNumber: "11010519491231002X", contactPhone: "13812345678", city: "杭州",
            district: "西湖区", address: "杭州市西湖区文三路1号2幢301室", vipLevel: 0, tags: [], balanceFen: 0,
            createdAt: .init(timeIntervalSince1970: 0), phones: ["13812345678", "13900000001"]
        )
        let masked = customer.masking()
        #expect(masked.name == "张*")
        #expect(masked.contactPhone == "138****5678")
        #expect(masked.idNumber.hasSuffix("002X") && !masked.idNumber.contains("110105"))
        #expect(masked.phones == ["138****5678", "139****0001"])
        #expect(!masked.address.contains("文三路"))
        #expect(masked.masked)
    }
}

@Suite struct PermissionTests {
    @Test func agentsCannotUnmaskOrAdminister() {
        let agent = Principal.staff(id: "s", username: "a", role: .agent, agentNo: "K1")
        #expect(agent.has(.customerRead))
        #expect(!agent.has(.piiUnmask))
        #expect(!agent.has(.staffManage))
        #expect(!agent.has(.auditRead))
    }

    @Test func qaReadsAuditButDoesNotUnmask() {
        #expect(Role.qa.permissions.contains(.auditRead))
        #expect(!Role.qa.permissions.contains(.piiUnmask))
    }

    @Test func adminHasEverything() {
        #expect(Role.admin.permissions == Set(Permission.allCases))
    }

    @Test func customersReachOnlyThemselves() {
        let customer = Principal.customer(id: "c1", phone: "13800138000")
        #expect(CustomerRecordPolicy.access(customer, "c1") == .allowed)
        #expect(CustomerRecordPolicy.access(customer, "c2") == .hidden)
        #expect(!customer.has(.customerRead))
    }
}

@Suite struct RateLimiterTests {
    @Test func refusesOverTheLimitAndSaysHowLongToWait() {
        var limiter = RateLimiter(limit: 2, window: 60)
        #expect(limiter.attempt("k", now: 0) == .allowed)
        #expect(limiter.attempt("k", now: 10) == .allowed)
        #expect(limiter.attempt("k", now: 20) == .refused(retryAfter: 40))
        #expect(limiter.attempt("other", now: 20) == .allowed)
        #expect(limiter.attempt("k", now: 60.5) == .allowed)
    }

    @Test func pruneForgetsIdleKeys() {
        var limiter = RateLimiter(limit: 1, window: 10)
        _ = limiter.attempt("a", now: 0)
        limiter.prune(now: 100)
        #expect(limiter.attempt("a", now: 100) == .allowed)
    }
}
