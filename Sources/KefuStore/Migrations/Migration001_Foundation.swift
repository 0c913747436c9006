/// Accounts, sessions, the CRM and the audit log.
enum Migration001_Foundation {
    static let migration = Migration(version: 1, name: "foundation") { t in
        [
            """
            CREATE TABLE staff_users (
                id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                role TEXT NOT NULL, agent_no TEXT NOT NULL UNIQUE, skills TEXT NOT NULL,
                password_hash TEXT NOT NULL, disabled \(t.bool) NOT NULL, created_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY, principal_kind TEXT NOT NULL, principal_id TEXT NOT NULL,
                created_at \(t.timestamp) NOT NULL, expires_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX sessions_expires ON sessions (expires_at)",
            """
            CREATE TABLE sms_codes (
                phone TEXT PRIMARY KEY, code_hash TEXT NOT NULL, attempts \(t.int) NOT NULL,
                created_at \(t.timestamp) NOT NULL, expires_at \(t.timestamp) NOT NULL)
            """,
            """
            CREATE TABLE customers (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, id_number TEXT NOT NULL, contact_phone TEXT NOT NULL,
                city TEXT NOT NULL, district TEXT NOT NULL, address TEXT NOT NULL, vip_level \(t.int) NOT NULL,
                tags TEXT NOT NULL, balance_fen \(t.int) NOT NULL, created_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX customers_contact_phone ON customers (contact_phone)",
            "CREATE INDEX customers_id_number ON customers (id_number)",
            "CREATE INDEX customers_district ON customers (city, district)",
            """
            CREATE TABLE packages (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, monthly_fee_fen \(t.int) NOT NULL,
                data_mb \(t.int) NOT NULL, voice_minutes \(t.int) NOT NULL, sms_count \(t.int) NOT NULL,
                bandwidth_mbps \(t.int) NOT NULL, shared_data \(t.bool) NOT NULL, max_lines \(t.int) NOT NULL,
                benefits TEXT NOT NULL, data_overage_fen_per_gb \(t.int) NOT NULL,
                voice_overage_fen_per_minute \(t.int) NOT NULL, sms_overage_fen \(t.int) NOT NULL,
                active \(t.bool) NOT NULL)
            """,
            """
            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers (id), number TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL, package_code TEXT NOT NULL REFERENCES packages (code), status TEXT NOT NULL,
                opened_on TEXT NOT NULL, contract_starts_on TEXT, contract_ends_on TEXT,
                contract_monthly_discount_fen \(t.int), contract_minimum_package_code TEXT, bundle_id TEXT)
            """,
            "CREATE INDEX subscriptions_customer ON subscriptions (customer_id)",
            """
            CREATE TABLE usage_records (
                subscription_id TEXT NOT NULL REFERENCES subscriptions (id), month TEXT NOT NULL,
                data_mb \(t.int) NOT NULL, voice_minutes \(t.int) NOT NULL, sms_count \(t.int) NOT NULL,
                PRIMARY KEY (subscription_id, month))
            """,
            """
            CREATE TABLE bills (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers (id),
                subscription_id TEXT NOT NULL REFERENCES subscriptions (id), month TEXT NOT NULL,
                total_fen \(t.int) NOT NULL, status TEXT NOT NULL, due_on TEXT NOT NULL,
                UNIQUE (subscription_id, month))
            """,
            "CREATE INDEX bills_customer ON bills (customer_id, month)",
            """
            CREATE TABLE bill_items (
                bill_id TEXT NOT NULL REFERENCES bills (id), position \(t.int) NOT NULL, kind TEXT NOT NULL,
                description TEXT NOT NULL, amount_fen \(t.int) NOT NULL, PRIMARY KEY (bill_id, position))
            """,
            """
            CREATE TABLE payments (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers (id), amount_fen \(t.int) NOT NULL,
                channel TEXT NOT NULL, paid_at \(t.timestamp) NOT NULL, reference TEXT NOT NULL UNIQUE)
            """,
            "CREATE INDEX payments_customer ON payments (customer_id, paid_at)",
            """
            CREATE TABLE business_orders (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers (id), subscription_id TEXT,
                kind TEXT NOT NULL, status TEXT NOT NULL, summary TEXT NOT NULL, channel TEXT NOT NULL,
                created_at \(t.timestamp) NOT NULL)
            """,
            "CREATE INDEX business_orders_customer ON business_orders (customer_id, created_at)",
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers (id),
                subscription_id TEXT NOT NULL REFERENCES subscriptions (id), kind TEXT NOT NULL, model TEXT NOT NULL,
                serial TEXT NOT NULL, status TEXT NOT NULL, installed_on TEXT NOT NULL)
            """,
            "CREATE INDEX devices_customer ON devices (customer_id)",
            """
            CREATE TABLE audit_log (
                id TEXT PRIMARY KEY, at \(t.timestamp) NOT NULL, actor_kind TEXT NOT NULL, actor_id TEXT NOT NULL,
                action TEXT NOT NULL, target_type TEXT NOT NULL, target_id TEXT NOT NULL, reason TEXT,
                detail TEXT, client_address TEXT)
            """,
            "CREATE INDEX audit_log_at ON audit_log (at)",
            "CREATE INDEX audit_log_actor ON audit_log (actor_id, at)",
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]
    }
}
