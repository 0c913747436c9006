/// A chat's and a survey answer's district, kept on the row when it is written (the customer's then;
/// a visitor has none), so the report's breakdown by district reads a column instead of looking the
/// customer up for every contact of the month. Rows already stored take the customer's district now.
enum Migration017_ContactDistricts {
    static let migration = Migration(version: 17, name: "contact districts") { _ in
        [
            "ALTER TABLE conversations ADD COLUMN district TEXT",
            """
            UPDATE conversations SET district = (SELECT u.district FROM customers u WHERE u.id = conversations.customer_id)
            WHERE customer_id IS NOT NULL
            """,
            "ALTER TABLE survey_responses ADD COLUMN district TEXT",
            "UPDATE survey_responses SET district = (SELECT u.district FROM customers u WHERE u.id = survey_responses.owner_id)",
        ]
    }
}
