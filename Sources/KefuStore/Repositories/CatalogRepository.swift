import Foundation
import KefuCore
import SQLKit

/// The package catalog.
public struct CatalogRepository: Sendable {
    let database: Database

    public enum Failure: Error, Equatable {
        case codeTaken(String)
    }

    static let columns = [
        "code", "name", "category", "monthly_fee_fen", "data_mb", "voice_minutes", "sms_count", "bandwidth_mbps",
        "shared_data", "max_lines", "benefits", "data_overage_fen_per_gb", "voice_overage_fen_per_minute",
        "sms_overage_fen", "active",
    ]

    public func list(includeInactive: Bool = false) async throws -> [ServicePackage] {
        try await database.read { db in
            let select = db.select().columns("*").from("packages")
            if !includeInactive { select.where("active", .equal, true) }
            return try await select.orderBy("category").orderBy("monthly_fee_fen").orderBy("code").all().map(Self.package)
        }
    }

    public func find(code: String) async throws -> ServicePackage? {
        try await database.read { db in
            try await db.select().columns("*").from("packages").where("code", .equal, code).first().map(Self.package)
        }
    }

    public func create(_ package: ServicePackage, audit: AuditEntry) async throws {
        try await database.transaction { db in
            if try await db.select().column("code").from("packages").where("code", .equal, package.code).first() != nil {
                throw Failure.codeTaken(package.code)
            }
            try await Self.insert(db, [package])
            try await AuditRepository.append(audit, in: db)
        }
    }

    /// Replaces a package's terms; returns false when there is no such package.
    public func update(_ package: ServicePackage, audit: AuditEntry) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("code").from("packages").where("code", .equal, package.code).first() != nil
            else { return false }
            try await db.update("packages")
                .set("name", to: package.name).set("category", to: package.category.rawValue)
                .set("monthly_fee_fen", to: package.monthlyFeeFen).set("data_mb", to: package.dataMB)
                .set("voice_minutes", to: package.voiceMinutes).set("sms_count", to: package.smsCount)
                .set("bandwidth_mbps", to: package.bandwidthMbps).set("shared_data", to: package.sharedData)
                .set("max_lines", to: package.maxLines).set("benefits", to: Rows.json(package.benefits))
                .set("data_overage_fen_per_gb", to: package.dataOverageFenPerGB)
                .set("voice_overage_fen_per_minute", to: package.voiceOverageFenPerMinute)
                .set("sms_overage_fen", to: package.smsOverageFen).set("active", to: package.active)
                .where("code", .equal, package.code)
                .run()
            try await AuditRepository.append(audit, in: db)
            return true
        }
    }

    static func insert(_ db: any SQLDatabase, _ packages: [ServicePackage]) async throws {
        try await Rows.insert(
            db, into: "packages", columns: columns,
            rows: packages.map {
                [
                    $0.code, $0.name, $0.category.rawValue, $0.monthlyFeeFen, $0.dataMB, $0.voiceMinutes, $0.smsCount,
                    $0.bandwidthMbps, $0.sharedData, $0.maxLines, Rows.json($0.benefits), $0.dataOverageFenPerGB,
                    $0.voiceOverageFenPerMinute, $0.smsOverageFen, $0.active,
                ]
            }
        )
    }

    static func package(_ row: any SQLRow) throws -> ServicePackage {
        ServicePackage(
            code: try row.text("code"), name: try row.text("name"),
            category: try decodeEnum(ServicePackage.Category.self, try row.text("category"), column: "category"),
            monthlyFeeFen: try row.int64("monthly_fee_fen"), dataMB: try row.int("data_mb"),
            voiceMinutes: try row.int("voice_minutes"), smsCount: try row.int("sms_count"),
            bandwidthMbps: try row.int("bandwidth_mbps"), sharedData: try row.bool("shared_data"),
            maxLines: try row.int("max_lines"), benefits: Rows.strings(try row.text("benefits")),
            dataOverageFenPerGB: try row.int64("data_overage_fen_per_gb"),
            voiceOverageFenPerMinute: try row.int64("voice_overage_fen_per_minute"),
            smsOverageFen: try row.int64("sms_overage_fen"), active: try row.bool("active")
        )
    }
}

extension CatalogRepository.Failure: KefuErrorConvertible {
    public var kefuError: KefuError {
        switch self {
        case .codeTaken(let code): .conflict("套餐编码 \(code) 已存在")
        }
    }
}
