import Foundation
import KefuCore
import Prometheus

/// The floor's gauges for Prometheus, set from this node's floor when `/metrics` is scraped, so they
/// cost nothing between scrapes. Every node's floor holds the whole centre: on several nodes the queue
/// and agent gauges say the same on each (take `max` by group), while connections are per node (`sum`).
enum FloorMetrics {
    static var queueLength: MetricNameDescriptor { gauge("queue_length", unit: "", "Chats waiting for a person, by skill group.") }
    static var longestWait: MetricNameDescriptor { gauge("queue_longest_wait", unit: "seconds", "How long the longest-waiting chat of the group has waited.") }
    static var agents: MetricNameDescriptor { gauge("agents", unit: "", "Agents by presence.") }
    static var activeChats: MetricNameDescriptor { gauge("active_chats", unit: "", "Chats not closed yet, by state.") }
    static var awaitingReply: MetricNameDescriptor { gauge("chats_awaiting_reply", unit: "", "Chats with an agent whose customer's last words are not answered yet.") }
    static var connections: MetricNameDescriptor { gauge("websocket_connections", unit: "", "WebSocket connections open on this node (chats, desks, wallboards).") }

    private static func gauge(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "kefu", metricName: name, unitName: unit, helpText: help)
    }

    static func record(_ floor: LiveFloor, connections open: Int, at now: Date, into registry: PrometheusCollectorRegistry) {
        // The board the wallboards share at this version, not one read again per scrape.
        let board = floor.view(since: nil, at: now).board
        for group in board.groups {
            let labels = [("group", group.skill.rawValue)]
            registry.makeGauge(descriptor: queueLength, labels: labels).set(Double(group.queued))
            registry.makeGauge(descriptor: longestWait, labels: labels).set(group.longestWait(at: now) ?? 0)
        }
        let a = board.agentStates
        for (state, count) in [("online", a.online), ("busy", a.busy), ("away", a.away)] {
            registry.makeGauge(descriptor: agents, labels: [("state", state)]).set(Double(count))
        }
        let c = board.counts
        for (state, count) in [("bot", c.withBot), ("queued", c.queued), ("assigned", c.withAgents), ("resolved", c.resolved)] {
            registry.makeGauge(descriptor: activeChats, labels: [("state", state)]).set(Double(count))
        }
        registry.makeGauge(descriptor: awaitingReply).set(Double(c.awaitingReply))
        registry.makeGauge(descriptor: connections).set(Double(open))
    }
}
