import Foundation
import KefuCore
import KefuStore

extension KefuAPI {
    /// Looks the customer up for someone allowed to see them. A customer asking for someone
    /// else gets the same 404 as for a missing record, so ids cannot be probed.
    func accessibleCustomer(_ id: String, _ principal: Principal, needing permission: Permission = .customerRead) async throws -> Customer {
        try CustomerRecordPolicy.access(principal, id, needing: permission).require("客户")
        guard let customer = try await store.customers.find(id: id) else { throw KefuError.notFound("客户") }
        return customer
    }

    func searchCustomers(_ input: Operations.SearchCustomers.Input) async throws -> Operations.SearchCustomers.Output {
        let principal = try require(.customerRead)
        let limit = input.query.limit ?? 20
        let query = input.query.q?.trimmingCharacters(in: .whitespaces)
        let found = try await store.customers.search(query: query, limit: limit + 1, after: input.query.cursor)
        let page = Array(found.prefix(limit))
        if let query, !query.isEmpty {
            try await audit(principal, "customer.search", targetType: "customer", targetId: "*", detail: "q=\(Masking.phone(query))")
        }
        return .ok(.init(body: .json(.init(
            items: page.map { PersonalData.shown($0, to: principal) },
            nextCursor: found.count > limit ? page.last?.id : nil
        ))))
    }

    func createCustomer(_ input: Operations.CreateCustomer.Input) async throws -> Operations.CreateCustomer.Output {
        let principal = try require(.customerWrite)
        guard case .json(var body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        body.idNumber = body.idNumber.uppercased()
        let problems = body.problems()
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let customer = Customer(
            id: Store.newID("cus"), name: body.name.trimmingCharacters(in: .whitespaces), idNumber: body.idNumber,
            contactPhone: body.contactPhone, city: body.city, district: body.district, address: body.address,
            vipLevel: body.vipLevel ?? 0, tags: body.tags ?? [], balanceFen: 0, createdAt: now(), phones: [body.contactPhone]
        )
        try await store.customers.create(customer, audit: entry(principal, "customer.create", targetType: "customer", targetId: customer.id))
        return .created(.init(body: .json(PersonalData.shown(customer, to: principal))))
    }

    func getCustomer(_ input: Operations.GetCustomer.Input) async throws -> Operations.GetCustomer.Output {
        let principal = try requirePrincipal()
        let customer = try await accessibleCustomer(input.path.customerId, principal)
        if case .staff = principal {
            try await audit(principal, "customer.read", targetType: "customer", targetId: customer.id)
        }
        return .ok(.init(body: .json(PersonalData.shown(customer, to: principal))))
    }

    func getCustomer360(_ input: Operations.GetCustomer360.Input) async throws -> Operations.GetCustomer360.Output {
        let principal = try requirePrincipal()
        let customer = try await accessibleCustomer(input.path.customerId, principal)
        guard let view = try await store.customers.view360(id: customer.id) else { throw KefuError.notFound("客户") }
        if case .staff = principal {
            try await audit(principal, "customer.read360", targetType: "customer", targetId: customer.id)
        }
        return .ok(.init(body: .json(PersonalData.shown(view, to: principal))))
    }

    func unmaskCustomer(_ input: Operations.UnmaskCustomer.Input) async throws -> Operations.UnmaskCustomer.Output {
        let principal = try require(.piiUnmask)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Validation.isCleanText(reason, max: 200), reason.count >= 2 else { throw KefuError.invalid("请填写查看原因（2–200字）") }
        let customer = try await accessibleCustomer(input.path.customerId, principal)
        try await audit(principal, "pii.unmask", targetType: "customer", targetId: customer.id, reason: reason)
        return .ok(.init(body: .json(customer)))
    }

    func getBill(_ input: Operations.GetBill.Input) async throws -> Operations.GetBill.Output {
        let principal = try requirePrincipal()
        guard let bill = try await store.customers.bill(id: input.path.billId) else { throw KefuError.notFound("账单") }
        try CustomerRecordPolicy.access(principal, bill.customerId).require("账单")
        if case .staff = principal {
            try await audit(principal, "bill.read", targetType: "bill", targetId: bill.id)
        }
        return .ok(.init(body: .json(bill)))
    }
}

