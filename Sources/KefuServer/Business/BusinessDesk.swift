import Crypto
import Foundation
import KefuCore
import KefuStore

/// The business processes as workflows: a plan change's quote, and opening a number with its real-name
/// and face checks and signed agreement (recommendations are `PlanAdvisor`'s). The rules are KefuCore's
/// (`PlanChange`, `AccountOpening`); the desk gathers what they need, asks them, and has the store
/// persist the outcome with its business order and audit entry in one transaction. Adapters (the REST
/// API, the bot) only decode and answer.
struct BusinessDesk: Sendable {
    let store: Store
    let identity: any IdentityVerifier
    let now: @Sendable () -> Date

    static let quoteValidity: TimeInterval = 900

    // MARK: Plan change

    /// Quotes moving `subscriptionId` of `customer` to `packageCode`, and keeps the quote for 15 minutes so
    /// that confirming it applies exactly what was shown.
    func quotePlanChange(
        for customer: Customer, subscriptionId: String, packageCode: String, timing: PlanChange.Timing
    ) async throws -> BusinessRepository.StoredQuote {
        guard let view = try await store.customers.view360(id: customer.id),
            let line = view.subscriptions.first(where: { $0.id == subscriptionId && $0.status != .closed })
        else { throw KefuError.notFound("号码") }
        guard let target = try await store.catalog.find(code: packageCode), target.active else { throw KefuError.notFound("套餐") }
        if line.bundleId != nil { throw KefuError.unprocessable(["subscriptionId: 融合套餐成员号码请办理整体变更"]) }
        let quote = try await PlanAdvisor(store: store, now: now).quote(line, of: view, to: target, timing: timing)
        let stored = BusinessRepository.StoredQuote(
            id: Store.newID("quote"), customerId: customer.id, subscriptionId: line.id, timing: quote.upgrade ? timing : .nextMonth,
            quote: quote, expiresAt: now().addingTimeInterval(Self.quoteValidity)
        )
        try await store.business.saveQuote(stored, now: now())
        return stored
    }

    // MARK: Opening a number

    /// What a new customer submits on the opening page.
    struct Application: Sendable {
        var name: String
        var idNumber: String
        var contactPhone: String
        var city: String
        var district: String
        var address: String
        var number: String
        var reservationToken: String
        var packageCode: String
        var iccid: String
        var faceImage: String
        var consent: Bool
        var agreementVersion: String
    }

    struct Opened: Sendable {
        var customer: Customer
        var line: Subscription
        var agreementId: String
        var signedContentSHA256: String
    }

    /// Opens the number: every field checked (all problems at once), the package a mobile plan, the
    /// five-number rule, the face verified by the provider, the agreement signed over the applicant's
    /// details; the store counts the five numbers again inside the opening transaction.
    func open(_ application: Application, clientAddress: String) async throws -> Opened {
        let idNumber = application.idNumber.uppercased()
        var problems = NewCustomer(
            name: application.name, idNumber: idNumber, contactPhone: application.contactPhone, city: application.city,
            district: application.district, address: application.address
        ).problems()
        if !Validation.isMobileNumber(application.number) { problems.append("number: 号码格式不正确") }
        if let problem = ICCID.validate(application.iccid) { problems.append("iccid: \(problem.message)") }
        if !application.consent { problems.append("consent: 请阅读并同意入网服务协议") }
        if application.agreementVersion != ServiceAgreement.version { problems.append("agreementVersion: 协议已更新，请重新阅读后确认") }
        guard let face = Data(base64Encoded: application.faceImage), !face.isEmpty else {
            throw KefuError.unprocessable(problems + ["faceImage: 请上传人脸照片"])
        }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        guard let package = try await store.catalog.find(code: application.packageCode), package.active,
            [.mobile4G, .mobile5G, .unlimited].contains(package.category)
        else { throw KefuError.unprocessable(["packageCode: 请选择手机套餐"]) }

        let active = try await store.business.activeNumbers(idNumber: idNumber)
        if case .failure(let problem) = AccountOpening.check(idNumber: idNumber, activeNumbers: active, today: CalendarDate(chinaTime: now())) {
            throw KefuError.unprocessable([problem.message])
        }
        let verdict = try await identity.verify(name: application.name, idNumber: idNumber, faceImage: face)
        guard verdict.passed else { throw KefuError.unprocessable(["faceImage: 人脸核验未通过（\(verdict.reason ?? "请重新拍摄")）"]) }

        let consentedAt = ISO8601DateFormatter().string(from: now())
        let signed = ServiceAgreement.signedContent(name: application.name, idNumber: idNumber, number: application.number, consentedAt: consentedAt)
        let digest = SHA256.hash(data: Data(signed.utf8)).lowercaseHex
        let person = Customer(
            id: Store.newID("cus"), name: application.name, idNumber: idNumber, contactPhone: application.contactPhone, city: application.city,
            district: application.district, address: application.address, vipLevel: 0, tags: [], balanceFen: 0, createdAt: now()
        )
        let opening = BusinessRepository.Opening(
            holder: Tokens.hash(application.reservationToken), number: application.number, packageCode: package.code, iccid: application.iccid,
            customer: person, agreementVersion: ServiceAgreement.version, agreementText: ServiceAgreement.text, signedContentSHA256: digest
        )
        let audit = AuditEntry(
            id: Store.newID("aud"), at: now(), actorKind: "visitor", actorId: Masking.idNumber(idNumber), action: "business.open_account",
            targetType: "number", targetId: application.number, detail: "verification=\(verdict.reference)", clientAddress: clientAddress
        )
        let (customer, line, agreementId) = try await store.business.open(opening, now: now(), audit: audit)
        return Opened(customer: customer, line: line, agreementId: agreementId, signedContentSHA256: digest)
    }
}
