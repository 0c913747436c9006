import Foundation
import KefuCore
import KefuStore

extension KefuAPI {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        try require(.webhookManage)
        return .ok(.init(body: .json(try await store.webhooks.subscriptions())))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        let principal = try require(.webhookManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        var problems = [WebhookSubscription.urlProblem(body.url)].compactMap { $0 }
        let known = Set(TicketEvent.Kind.webhookTypes + ["*"])
        for event in body.events where !known.contains(event) { problems.append("events：未知的事件 \(event)") }
        if body.events.isEmpty { problems.append("events：至少订阅一个事件") }
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let subscription = WebhookSubscription(
            id: Store.newID("whk"), url: body.url, secret: WebhookSignature.newSecret(), events: Array(Set(body.events)).sorted(),
            active: true, createdAt: now()
        )
        try await store.webhooks.create(
            subscription, createdBy: principal.actorID,
            audit: entry(principal, "webhook.create", targetType: "webhook", targetId: subscription.id, detail: subscription.url)
        )
        return .created(.init(body: .json(subscription)))
    }

    func deactivateWebhook(_ input: Operations.DeactivateWebhook.Input) async throws -> Operations.DeactivateWebhook.Output {
        let principal = try require(.webhookManage)
        let id = input.path.webhookId
        guard try await store.webhooks.deactivate(id: id, audit: entry(principal, "webhook.deactivate", targetType: "webhook", targetId: id)) else {
            throw KefuError.notFound("Webhook 订阅")
        }
        return .noContent(.init())
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        try require(.webhookManage)
        return .ok(.init(body: .json(try await store.webhooks.deliveries(subscriptionId: input.path.webhookId))))
    }
}
