import Crypto
import Foundation
import KefuCore
import KefuStore

extension KefuAPI {
    /// The customer acted on: customers act for themselves, staff with customer.write on their behalf.
    func actingOn(_ customerId: String) async throws -> (Principal, Customer) {
        let principal = try requirePrincipal()
        return (principal, try await accessibleCustomer(customerId, principal, needing: .customerWrite))
    }

    func channel(_ principal: Principal) -> String {
        if case .customer = principal { return "online" }
        return "agent"
    }

    func recharge(_ input: Operations.Recharge.Input) async throws -> Operations.Recharge.Output {
        let (principal, customer) = try await actingOn(input.path.customerId)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let key = input.headers.idempotencyKey
        guard (8...64).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw KefuError.invalid("Idempotency-Key 应为8–64位字母、数字、- 或 _")
        }
        let amount: Int64
        switch RechargeRules.amount(yuan: body.amountYuan) {
        case .success(let fen): amount = fen
        case .failure(let problem): throw KefuError.unprocessable(["amountYuan: \(problem.message)"])
        }
        guard let channel = Payment.Channel(rawValue: body.channel.rawValue) else { throw KefuError.invalid("未知的缴费渠道") }
        let result = try await store.business.recharge(
            customerId: customer.id, amountFen: amount, channel: channel, idempotencyKey: key, now: now(),
            audit: entry(principal, "business.recharge", targetType: "customer", targetId: customer.id, detail: "amountFen=\(amount)")
        )
        return .created(.init(body: .json(.init(
            paymentId: result.payment.id, amountFen: result.payment.amountFen, balanceFen: result.balanceFen,
            resumed: result.resumed, duplicate: result.duplicate
        ))))
    }

    func listValueAddedServices(_ input: Operations.ListValueAddedServices.Input) async throws -> Operations.ListValueAddedServices.Output {
        let principal = try requirePrincipal()
        let customer = try await accessibleCustomer(input.path.customerId, principal)
        return .ok(.init(body: .json(try await store.business.valueAddedServices(customerId: customer.id))))
    }

    func unsubscribeValueAddedService(_ input: Operations.UnsubscribeValueAddedService.Input) async throws -> Operations.UnsubscribeValueAddedService.Output {
        let (principal, customer) = try await actingOn(input.path.customerId)
        let audit = entry(principal, "business.unsubscribe", targetType: "value_added_service", targetId: input.path.serviceId)
        guard try await store.business.unsubscribe(customerId: customer.id, serviceId: input.path.serviceId, now: now(), audit: audit) else {
            throw KefuError.conflict("该业务已退订")
        }
        let service = try await store.business.valueAddedServices(customerId: customer.id).first { $0.id == input.path.serviceId }
        guard let service else { throw KefuError.notFound("增值业务") }
        return .ok(.init(body: .json(service)))
    }

    static let quoteValidity: TimeInterval = 900

    func quotePlanChange(_ input: Operations.QuotePlanChange.Input) async throws -> Operations.QuotePlanChange.Output {
        let (_, customer) = try await actingOn(input.path.customerId)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        guard let view = try await store.customers.view360(id: customer.id),
            let line = view.subscriptions.first(where: { $0.id == body.subscriptionId && $0.status != .closed })
        else { throw KefuError.notFound("号码") }
        guard let current = try await store.catalog.find(code: line.packageCode),
            let target = try await store.catalog.find(code: body.packageCode), target.active
        else { throw KefuError.notFound("套餐") }
        if line.bundleId != nil { throw KefuError.unprocessable(["subscriptionId: 融合套餐成员号码请办理整体变更"]) }
        let minimumFee = try await line.contract.asyncMap { try await store.catalog.find(code: $0.minimumPackageCode)?.monthlyFeeFen } ?? nil
        let today = CalendarDate(chinaTime: now())
        let used = view.usage.first { $0.subscriptionId == line.id && $0.month == today.monthKey }?.dataMB ?? 0
        let timing = PlanChange.Timing(rawValue: body.timing.rawValue) ?? .nextMonth
        let quote: PlanChange.Quote
        switch PlanChange.quote(current: current, target: target, contract: line.contract, minimumFeeFen: minimumFee, usedDataMB: used, timing: timing, today: today) {
        case .success(let made): quote = made
        case .failure(let problem): throw KefuError.unprocessable([problem.message])
        }
        let stored = BusinessRepository.StoredQuote(
            id: Store.newID("quote"), customerId: customer.id, subscriptionId: line.id, timing: quote.upgrade ? timing : .nextMonth,
            quote: quote, expiresAt: now().addingTimeInterval(Self.quoteValidity)
        )
        try await store.business.saveQuote(stored, now: now())
        return .created(.init(body: .json(Self.quoteBody(stored))))
    }

    static func quoteBody(_ stored: BusinessRepository.StoredQuote) -> Components.Schemas.PlanQuote {
        let q = stored.quote
        return .init(
            id: stored.id, subscriptionId: stored.subscriptionId, timing: .init(rawValue: stored.timing.rawValue)!, expiresAt: stored.expiresAt,
            fromPackage: q.fromPackage, toPackage: q.toPackage, upgrade: q.upgrade, effectiveOn: q.effectiveOn,
            newMonthlyFeeFen: q.newMonthlyFeeFen, proratedChargeFen: q.proratedChargeFen, penaltyFen: q.penaltyFen,
            remainingContractMonths: q.remainingContractMonths, carryOverMB: q.carryOverMB, notes: q.notes
        )
    }

    func confirmPlanChange(_ input: Operations.ConfirmPlanChange.Input) async throws -> Operations.ConfirmPlanChange.Output {
        let (principal, customer) = try await actingOn(input.path.customerId)
        let audit = entry(principal, "business.change_plan", targetType: "plan_quote", targetId: input.path.quoteId)
        let stored = try await store.business.confirmQuote(id: input.path.quoteId, customerId: customer.id, now: now(), audit: audit)
        return .ok(.init(body: .json(Self.quoteBody(stored))))
    }

    func recommendPlans(_ input: Operations.RecommendPlans.Input) async throws -> Operations.RecommendPlans.Output {
        let principal = try requirePrincipal()
        let customer = try await accessibleCustomer(input.path.customerId, principal)
        let found = try await Recommendations.make(for: customer.id, store: store, now: now())
        return .ok(.init(body: .json(found.map {
            .init(
                kind: .init(rawValue: $0.kind.rawValue)!, subscriptionId: $0.subscriptionId, currentPackage: $0.currentPackage,
                suggestedPackage: $0.suggestedPackage, monthlySavingFen: $0.monthlySavingFen, reason: $0.reason
            )
        })))
    }

    // MARK: Opening an account

    func listAvailableNumbers(_ input: Operations.ListAvailableNumbers.Input) async throws -> Operations.ListAvailableNumbers.Output {
        let city = input.query.city.trimmingCharacters(in: .whitespaces)
        guard Validation.isCleanText(city, max: 20) else { throw KefuError.invalid("请指定城市") }
        return .ok(.init(body: .json(try await store.business.availableNumbers(city: city, limit: input.query.limit ?? 12, now: now()))))
    }

    func reserveNumber(_ input: Operations.ReserveNumber.Input) async throws -> Operations.ReserveNumber.Output {
        guard Validation.isMobileNumber(input.path.number) else { throw KefuError.invalid("号码格式不正确") }
        try rateLimits.check([(.reservePerAddress, info.clientAddress)])
        let token = Tokens.generate()
        let until = now().addingTimeInterval(AccountOpening.reservationSeconds)
        try await store.business.reserve(number: input.path.number, holder: Tokens.hash(token), now: now(), until: until)
        return .created(.init(body: .json(.init(number: input.path.number, reservationToken: token, expiresAt: until))))
    }

    func getCurrentAgreement(_ input: Operations.GetCurrentAgreement.Input) async throws -> Operations.GetCurrentAgreement.Output {
        .ok(.init(body: .json(.init(version: ServiceAgreement.version, text: ServiceAgreement.text))))
    }

    func openAccount(_ input: Operations.OpenAccount.Input) async throws -> Operations.OpenAccount.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        try rateLimits.check([(.openPerAddress, info.clientAddress)])
        let idNumber = body.idNumber.uppercased()
        var problems = NewCustomer(
            name: body.name, idNumber: idNumber, contactPhone: body.contactPhone, city: body.city, district: body.district, address: body.address
        ).problems()
        if !Validation.isMobileNumber(body.number) { problems.append("number: 号码格式不正确") }
        if let problem = ICCID.validate(body.iccid) { problems.append("iccid: \(problem.message)") }
        if !body.consent { problems.append("consent: 请阅读并同意入网服务协议") }
        if body.agreementVersion != ServiceAgreement.version { problems.append("agreementVersion: 协议已更新，请重新阅读后确认") }
        guard let face = Data(base64Encoded: body.faceImage), !face.isEmpty else {
            throw KefuError.unprocessable(problems + ["faceImage: 请上传人脸照片"])
        }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        guard let package = try await store.catalog.find(code: body.packageCode), package.active,
            [.mobile4G, .mobile5G, .unlimited].contains(package.category)
        else { throw KefuError.unprocessable(["packageCode: 请选择手机套餐"]) }

        let today = CalendarDate(chinaTime: now())
        let active = try await store.business.activeNumbers(idNumber: idNumber)
        if case .failure(let problem) = AccountOpening.check(idNumber: idNumber, activeNumbers: active, today: today) {
            throw KefuError.unprocessable([problem.message])
        }
        let verdict = try await identity.verify(name: body.name, idNumber: idNumber, faceImage: face)
        guard verdict.passed else { throw KefuError.unprocessable(["faceImage: 人脸核验未通过（\(verdict.reason ?? "请重新拍摄")）"]) }

        let consentedAt = ISO8601DateFormatter().string(from: now())
        let signed = ServiceAgreement.signedContent(name: body.name, idNumber: idNumber, number: body.number, consentedAt: consentedAt)
        let digest = SHA256.hash(data: Data(signed.utf8)).map { String(format: "%02x", $0) }.joined()
        let person = Customer(
            id: Store.newID("cus"), name: body.name, idNumber: idNumber, contactPhone: body.contactPhone, city: body.city,
            district: body.district, address: body.address, vipLevel: 0, tags: [], balanceFen: 0, createdAt: now()
        )
        let opening = BusinessRepository.Opening(
            holder: Tokens.hash(body.reservationToken), number: body.number, packageCode: package.code, iccid: body.iccid,
            customer: person, agreementVersion: ServiceAgreement.version, agreementText: ServiceAgreement.text, signedContentSHA256: digest
        )
        let audit = AuditEntry(
            id: Store.newID("aud"), at: now(), actorKind: "visitor", actorId: Masking.idNumber(idNumber), action: "business.open_account",
            targetType: "number", targetId: body.number, detail: "verification=\(verdict.reference)", clientAddress: info.clientAddress
        )
        let (customer, line, agreementId) = try await store.business.open(opening, now: now(), audit: audit)
        return .created(.init(body: .json(.init(
            customerId: customer.id, subscriptionId: line.id, number: line.number, agreementId: agreementId, signedContentSHA256: digest
        ))))
    }

    func getAgreement(_ input: Operations.GetAgreement.Input) async throws -> Operations.GetAgreement.Output {
        let principal = try requirePrincipal()
        guard let agreement = try await store.business.agreement(id: input.path.agreementId),
            CustomerRecordPolicy.access(principal, agreement.customerId).isAllowed
        else { throw KefuError.notFound("协议") }
        return .ok(.init(body: .json(.init(
            id: agreement.id, customerId: agreement.customerId, subscriptionId: agreement.subscriptionId, version: agreement.version,
            text: agreement.text, signedContentSHA256: agreement.signedContentSHA256, consentedAt: agreement.consentedAt
        ))))
    }
}
