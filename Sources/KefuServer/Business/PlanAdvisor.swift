import Foundation
import KefuCore
import KefuStore

/// The one place plan recommendations and quotes are made, for the API (agent sidebar, self-service)
/// and the bot: it gathers the customer's lines, usage, bills and the catalog, and asks `PlanRecommender`
/// or `PlanChange`.
struct PlanAdvisor: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    func recommendations(for customerId: String) async throws -> [PlanRecommender.Recommendation] {
        guard let view = try await store.customers.view360(id: customerId) else { return [] }
        let catalog = try await store.catalog.list()
        let packages = Dictionary((catalog + view.packages).map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let slow = try await !store.chatTools.transcripts(
            .init(customerIds: [customerId], since: now().addingTimeInterval(-90 * 86_400), keyword: "慢", limit: 1)
        ).isEmpty
        var found: [PlanRecommender.Recommendation] = []
        for line in view.subscriptions where line.status != .closed {
            guard let current = packages[line.packageCode] else { continue }
            if let rec = PlanRecommender.mobilePlan(subscription: line, current: current, usage: view.usage, bills: view.bills, catalog: catalog) { found.append(rec) }
            if let rec = PlanRecommender.broadbandUpgrade(subscription: line, current: current, reportedSlow: slow, catalog: catalog) { found.append(rec) }
        }
        if let rec = PlanRecommender.familyBundle(subscriptions: view.subscriptions, packages: packages, catalog: catalog) { found.append(rec) }
        return found.sorted { $0.monthlySavingFen > $1.monthlySavingFen }
    }

    /// What moving `line` to `target` costs and when it takes effect, as of today (China time).
    func quote(_ line: Subscription, of view: Customer360, to target: ServicePackage, timing: PlanChange.Timing) async throws -> PlanChange.Quote {
        guard let current = try await store.catalog.find(code: line.packageCode) else { throw KefuError.notFound("套餐") }
        let minimumFee = try await line.contract.asyncMap { try await store.catalog.find(code: $0.minimumPackageCode)?.monthlyFeeFen } ?? nil
        let today = CalendarDate(chinaTime: now())
        let used = view.usage.first { $0.subscriptionId == line.id && $0.month == today.monthKey }?.dataMB ?? 0
        switch PlanChange.quote(current: current, target: target, contract: line.contract, minimumFeeFen: minimumFee, usedDataMB: used, timing: timing, today: today) {
        case .success(let quote): return quote
        case .failure(let problem): throw KefuError.unprocessable([problem.message])
        }
    }
}
