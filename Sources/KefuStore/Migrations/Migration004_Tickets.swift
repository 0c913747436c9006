/// Tickets with their history and timers, the regional fault library, webhooks and staff notifications.
enum Migration004_Tickets {
    static let migration = Migration(version: 4, name: "tickets") { t in
        [
            """
            CREATE TABLE outages (
                id TEXT PRIMARY KEY, city TEXT NOT NULL, district TEXT NOT NULL, service TEXT NOT NULL, title TEXT NOT NULL,
                status TEXT NOT NULL, source TEXT NOT NULL, started_at \(t.timestamp) NOT NULL, eta \(t.timestamp),
                resolved_at \(t.timestamp), created_by TEXT NOT NULL, created_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX outages_district ON outages (district, service, status)",
            """
            CREATE TABLE tickets (
                id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, type TEXT NOT NULL, title TEXT NOT NULL, fields TEXT NOT NULL,
                status TEXT NOT NULL, priority TEXT NOT NULL, priority_reason TEXT NOT NULL, priority_overridden \(t.bool) NOT NULL,
                ticket_group TEXT NOT NULL, assignee_id TEXT, customer_id TEXT NOT NULL REFERENCES customers (id),
                subscription_id TEXT, device_id TEXT, outage_id TEXT REFERENCES outages (id), conversation_id TEXT,
                intent TEXT, keywords TEXT NOT NULL, summary TEXT, district TEXT NOT NULL, service TEXT NOT NULL,
                service_down \(t.bool) NOT NULL, escalated \(t.bool) NOT NULL, follow_up_due_at \(t.timestamp),
                response_clock TEXT NOT NULL, resolution_clock TEXT NOT NULL,
                response_due_at \(t.timestamp), resolution_due_at \(t.timestamp), breached \(t.bool) NOT NULL,
                created_by TEXT NOT NULL, created_at \(t.timestamp) NOT NULL, updated_at \(t.timestamp) NOT NULL,
                resolved_at \(t.timestamp), closed_at \(t.timestamp), reopen_count \(t.int) NOT NULL)
            """,
            "CREATE INDEX tickets_customer ON tickets (customer_id, created_at)",
            "CREATE INDEX tickets_status ON tickets (status, priority)",
            "CREATE INDEX tickets_cluster ON tickets (district, service, type, created_at)",
            "CREATE INDEX tickets_outage ON tickets (outage_id)",
            """
            CREATE TABLE ticket_events (
                id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets (id), at \(t.timestamp) NOT NULL,
                actor_kind TEXT NOT NULL, actor_id TEXT NOT NULL, kind TEXT NOT NULL, from_value TEXT, to_value TEXT,
                text TEXT, internal \(t.bool) NOT NULL, position \(t.int) NOT NULL)
            """,
            "CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, position)",
            // One row per timed event and key: the key names the clock cycle, so a kind fires once per cycle.
            """
            CREATE TABLE ticket_timers (
                ticket_id TEXT NOT NULL REFERENCES tickets (id), timer_key TEXT NOT NULL, kind TEXT NOT NULL,
                due_at \(t.timestamp) NOT NULL, fired_at \(t.timestamp), PRIMARY KEY (ticket_id, timer_key))
            """,
            "CREATE INDEX ticket_timers_due ON ticket_timers (fired_at, due_at)",
            """
            CREATE TABLE webhook_subscriptions (
                id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL, active \(t.bool) NOT NULL,
                created_by TEXT NOT NULL, created_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
                event_id TEXT NOT NULL, event_type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL,
                attempts \(t.int) NOT NULL, next_attempt_at \(t.timestamp) NOT NULL, last_status_code \(t.int),
                last_error TEXT, delivered_at \(t.timestamp), created_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
            "CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at)",
            """
            CREATE TABLE webhook_attempts (
                id TEXT PRIMARY KEY, delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id), at \(t.timestamp) NOT NULL,
                status_code \(t.int), error TEXT, duration_ms \(t.int) NOT NULL)
            """,
            "CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, at)",
            """
            CREATE TABLE notifications (
                id TEXT PRIMARY KEY, recipient_id TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, ticket_id TEXT,
                outage_id TEXT, created_at \(t.timestamp) NOT NULL, read_at \(t.timestamp))
            """,
            "CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at)",
        ]
    }
}
