import Foundation
import KefuCore
import KefuStore

extension KefuAPI {
    /// The customer acted on: customers act for themselves, staff with customer.write on their behalf.
    func actingOn(_ customerId: String) async throws -> (Principal, Customer) {
        let principal = try requirePrincipal()
        return (principal, try await accessibleCustomer(customerId, principal, needing: .customerWrite))
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

    func quotePlanChange(_ input: Operations.QuotePlanChange.Input) async throws -> Operations.QuotePlanChange.Output {
        let (_, customer) = try await actingOn(input.path.customerId)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let timing: PlanChange.Timing =
            switch body.timing {
            case .immediately: .immediately
            case .nextMonth: .nextMonth
            }
        let stored = try await business.quotePlanChange(for: customer, subscriptionId: body.subscriptionId, packageCode: body.packageCode, timing: timing)
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
        let found = try await PlanAdvisor(store: store, now: now).recommendations(for: customer.id)
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
        let opened = try await business.open(
            .init(
                name: body.name, idNumber: body.idNumber, contactPhone: body.contactPhone, city: body.city, district: body.district,
                address: body.address, number: body.number, reservationToken: body.reservationToken, packageCode: body.packageCode,
                iccid: body.iccid, faceImage: body.faceImage, consent: body.consent, agreementVersion: body.agreementVersion
            ),
            clientAddress: info.clientAddress
        )
        return .created(.init(body: .json(.init(
            customerId: opened.customer.id, subscriptionId: opened.line.id, number: opened.line.number, agreementId: opened.agreementId,
            signedContentSHA256: opened.signedContentSHA256
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
