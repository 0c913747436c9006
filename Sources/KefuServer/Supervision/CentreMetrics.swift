import KefuCore
import Metrics

/// The centre's counters, through swift-metrics (`kefu serve` bootstraps it onto the Prometheus
/// registry `/metrics` shows), named after Prometheus' conventions: `kefu_…_total`. Each is counted
/// where the thing is stored, on the node that stored it: sum them over nodes. The floor's gauges are
/// in `FloorMetrics`.
enum CentreMetrics {
    static func stored(_ message: ChatMessage) {
        Counter(label: "kefu_messages_stored_total", dimensions: [("sender", message.sender.rawValue), ("visibility", message.visibility.rawValue)])
            .increment()
    }

    static func handedOver(_ reason: HandoverReason) {
        Counter(label: "kefu_bot_handovers_total", dimensions: [("reason", reason.rawValue)]).increment()
    }

    static func rated(_ answer: SurveyAnswer) {
        switch answer {
        case .service(let csat, _, _, _): Counter(label: "kefu_ratings_total", dimensions: [("score", String(csat))]).increment()
        case .bot(let helpful): Counter(label: "kefu_bot_ratings_total", dimensions: [("helpful", helpful ? "yes" : "no")]).increment()
        }
    }

    static func slaBreached(_ kind: TicketTimer.Kind) {
        Counter(label: "kefu_sla_breaches_total", dimensions: [("clock", kind == .responseBreach ? "response" : "resolution")]).increment()
    }

    static func webhookFailed() {
        Counter(label: "kefu_webhook_deliveries_failed_total").increment()
    }
}
