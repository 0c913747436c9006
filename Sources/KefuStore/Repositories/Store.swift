import Foundation
import KefuCore
import SQLKit

/// The repositories over one database: what the server and the commands are given.
public struct Store: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    public var staff: StaffRepository { StaffRepository(database: database) }
    public var sessions: SessionRepository { SessionRepository(database: database) }
    public var smsCodes: SmsCodeRepository { SmsCodeRepository(database: database) }
    public var customers: CustomerRepository { CustomerRepository(database: database) }
    public var catalog: CatalogRepository { CatalogRepository(database: database) }
    public var audit: AuditRepository { AuditRepository(database: database) }
    public var chat: ChatRepository { ChatRepository(database: database) }
    public var chatTools: ChatToolsRepository { ChatToolsRepository(database: database) }
    public var business: BusinessRepository { BusinessRepository(database: database) }
    public var tickets: TicketRepository { TicketRepository(database: database) }
    public var webhooks: WebhookRepository { WebhookRepository(database: database) }
    public var knowledge: KnowledgeRepository { KnowledgeRepository(database: database) }
    public var surveys: SurveyRepository { SurveyRepository(database: database) }
    public var quality: QualityRepository { QualityRepository(database: database) }
    public var reviews: ReviewRepository { ReviewRepository(database: database) }
    public var qaScores: QAScoreRepository { QAScoreRepository(database: database) }
    public var topics: TopicRepository { TopicRepository(database: database) }

    public static func newID(_ prefix: String) -> String { Rows.newID(prefix) }
}
