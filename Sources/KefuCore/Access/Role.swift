/// A staff role. Customers are not staff: they authenticate by SMS and reach only their own data.
public enum Role: String, Codable, Sendable, CaseIterable {
    case agent
    case teamLead = "team_lead"
    case qa
    case admin

    /// What the role may do. The server asks for one of these on every endpoint.
    public var permissions: Set<Permission> {
        switch self {
        case .agent:
            [.customerRead, .customerWrite, .catalogRead, .chatHandle, .ticketRead, .ticketHandle]
        case .teamLead:
            [.customerRead, .customerWrite, .catalogRead, .piiUnmask, .auditRead, .staffRead, .chatHandle, .transcriptRead, .teamRepliesManage,
             .ticketRead, .ticketHandle, .ticketAssign, .outageManage, .qualityRead, .reviewDecide, .floorWatch]
        case .qa:
            [.customerRead, .catalogRead, .auditRead, .staffRead, .transcriptRead, .ticketRead, .qualityRead, .reviewConclude, .qaAdjust]
        case .admin:
            Set(Permission.allCases)
        }
    }

    /// Agents take waiting chats as they come; a lead or an admin who opens the desk to watch does not,
    /// unless an admin turns it on for them.
    public var receivesChatsByDefault: Bool { self == .agent }
}

/// A permission checked by an endpoint. Raw values are what the API and audit log show.
public enum Permission: String, Codable, Sendable, CaseIterable {
    case customerRead = "customer.read"
    case customerWrite = "customer.write"
    case piiUnmask = "pii.unmask"
    case auditRead = "audit.read"
    case catalogRead = "catalog.read"
    case catalogManage = "catalog.manage"
    case staffRead = "staff.read"
    case staffManage = "staff.manage"
    /// Take chats from the queue and answer customers.
    case chatHandle = "chat.handle"
    /// Read any conversation's transcript (agents read the ones they took part in).
    case transcriptRead = "transcript.read"
    /// Keep the team's quick replies.
    case teamRepliesManage = "team_replies.manage"
    /// Keep the forbidden-word list.
    case forbiddenWordsManage = "forbidden_words.manage"
    /// See every ticket and its history.
    case ticketRead = "ticket.read"
    /// Take, work on, comment, transfer and escalate tickets.
    case ticketHandle = "ticket.handle"
    /// Give tickets to other agents.
    case ticketAssign = "ticket.assign"
    /// Keep the regional fault library.
    case outageManage = "outage.manage"
    /// Keep webhook subscriptions and read their delivery log.
    case webhookManage = "webhook.manage"
    /// Keep the bot's training phrases and solution articles, and retrain it.
    case botManage = "bot.manage"
    /// Read survey answers and the service-quality figures.
    case qualityRead = "quality.read"
    /// Record the finding of a negative rating's review (差评复盘).
    case reviewConclude = "review.conclude"
    /// Decide an agent's appeal of a review's finding.
    case reviewDecide = "review.decide"
    /// Adjust a chat's automatic QA score, with a note, or score it again.
    case qaAdjust = "qa.adjust"
    /// Watch the live floor: the wallboard and every live chat, as it happens.
    case floorWatch = "floor.watch"
    /// Publish a new version of the QA rules (the checks' points, thresholds and phrases).
    case qaRulesManage = "qa_rules.manage"
}
