/// Business processes: value-added services, plan-change quotes and pending changes, one-off charges,
/// the number pool, SIM cards and signed agreements.
enum Migration003_BusinessProcesses {
    static let migration = Migration(version: 3, name: "business processes") { t in
        [
            """
            CREATE TABLE value_added_services (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers (id),
                subscription_id TEXT NOT NULL REFERENCES subscriptions (id), name TEXT NOT NULL,
                monthly_fee_fen \(t.int) NOT NULL, subscribed_on TEXT NOT NULL, status TEXT NOT NULL,
                cancelled_at \(t.timestamp))
            """,
            "CREATE INDEX value_added_services_customer ON value_added_services (customer_id)",
            """
            CREATE TABLE plan_quotes (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
                from_package TEXT NOT NULL, to_package TEXT NOT NULL, timing TEXT NOT NULL, quote TEXT NOT NULL,
                created_at \(t.timestamp) NOT NULL, expires_at \(t.timestamp) NOT NULL, confirmed_at \(t.timestamp))
            """,
            "ALTER TABLE subscriptions ADD COLUMN pending_package_code TEXT",
            "ALTER TABLE subscriptions ADD COLUMN pending_effective_on TEXT",
            "ALTER TABLE subscriptions ADD COLUMN carry_over_mb \(t.int)",
            "ALTER TABLE subscriptions ADD COLUMN carry_over_month TEXT",
            "ALTER TABLE subscriptions ADD COLUMN iccid TEXT",
            """
            CREATE TABLE one_off_charges (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, subscription_id TEXT NOT NULL,
                description TEXT NOT NULL, amount_fen \(t.int) NOT NULL, bill_month TEXT NOT NULL,
                created_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE number_pool (
                number TEXT PRIMARY KEY, city TEXT NOT NULL, status TEXT NOT NULL, reserved_by TEXT,
                reserved_until \(t.timestamp))
            """,
            "CREATE INDEX number_pool_city ON number_pool (city, status)",
            """
            CREATE TABLE agreements (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, subscription_id TEXT NOT NULL, version TEXT NOT NULL,
                text TEXT NOT NULL, signed_content_sha256 TEXT NOT NULL, consented_at \(t.timestamp) NOT NULL)
            """,
        ]
    }
}
