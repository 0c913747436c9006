import Foundation
import KefuCore
import KefuStore
import Logging

/// What runs once before the server takes requests: the migrations, the demo data on a first start,
/// the project's knowledge, and the bot trained from the database. Background work waits for it.
struct Startup: Sendable {
    let database: Database
    let store: Store
    let config: AppConfig
    let node: String
    let hasher: PasswordHasher
    let brain: BotBrain
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async throws {
        try await database.migrate()
        // The knowledge first: the demo's agents send its solution articles, as agents do.
        try await store.knowledge.seedProjectKnowledge(now: now())
        if config.loadDemo { try await loadDemo() }
        // No socket is open yet: desks this node (or, on SQLite, the one node) held before it stopped are gone.
        let released = try await store.chat.releaseDesks(database.passesNotifications ? .node(node) : .everyNode, now: now())
        if !released.isEmpty { logger.info("released desks held before the restart", metadata: ["agents": "\(released)"]) }
        do {
            let trained = try await brain.reload(from: store)
            logger.info("trained the bot", metadata: ["phrases": "\(trained.phrases)", "took": "\(trained.trainingTime)"])
        } catch let error as BotBrain.NothingToTrain {
            logger.warning("the bot keeps the project's phrases", metadata: ["reason": "\(error)"])
        }
    }

    private func loadDemo() async throws {
        let loader = DemoLoader(store: store)
        guard try await !loader.isLoaded() else { return }
        var generator = DemoGenerator(customerCount: config.demoCustomers, asOf: CalendarDate(chinaTime: now()))
        let started = ContinuousClock.now
        let data = generator.generate()
        guard let summary = try await loader.load(data, hash: hasher.hash) else { return }
        logger.info(
            "loaded demo data",
            metadata: [
                "customers": "\(summary.customers)", "subscriptions": "\(summary.subscriptions)",
                "bills": "\(summary.bills)", "took": "\(ContinuousClock.now - started)",
            ]
        )
        guard config.demoHistoryDays > 0 else { return }
        // The demo's agents serve their own groups; QA and the lead work the reviews.
        let agents = data.staff.map(\.user).filter { $0.role == .agent }.map { ($0.id, $0.skills.compactMap(SkillGroup.init(rawValue:))) }
        guard let qa = data.staff.first(where: { $0.user.role == .qa })?.user.id,
              let lead = data.staff.first(where: { $0.user.role == .teamLead })?.user.id, !agents.isEmpty
        else { return }
        let plan = DemoHistory.Plan(
            chats: 40 * config.demoHistoryDays, tickets: 3 * config.demoHistoryDays, days: config.demoHistoryDays,
            agents: agents, qa: qa, lead: lead, customers: data.customers.map(\.id)
        )
        let history = try await DemoHistory(store: store, plan: plan).write(until: now())
        logger.info(
            "wrote demo history",
            metadata: [
                "days": "\(config.demoHistoryDays)", "chats": "\(history.chats)", "messages": "\(history.messages)",
                "tickets": "\(history.tickets)", "surveys": "\(history.surveys)", "reviews": "\(history.reviews)",
                "took": "\(ContinuousClock.now - started)",
            ]
        )
    }
}
