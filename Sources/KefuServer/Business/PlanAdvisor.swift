import Foundation
import KefuCore
import KefuStore

/// The one place plan recommendations are made, for the API (agent sidebar, self-service) and the bot:
/// it gathers the customer's lines, usage, bills and the catalog, and asks `PlanRecommender`.
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
}
