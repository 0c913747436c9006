/// The service a ticket or an outage is about: the kind of line, or `general` for a ticket about none.
public enum TicketService: String, Codable, Sendable, CaseIterable {
    case mobile, broadband, iptv
    case dedicatedLine = "dedicated_line"
    case iot
    case general

    /// The service of a line of this kind; `general` without a line.
    public init(line kind: Subscription.Kind?) {
        switch kind {
        case .mobile: self = .mobile
        case .broadband: self = .broadband
        case .iptv: self = .iptv
        case .dedicatedLine: self = .dedicatedLine
        case .iot: self = .iot
        case nil: self = .general
        }
    }

    /// What an outage may be declared for.
    public static let outageServices: [TicketService] = [.broadband, .mobile, .iptv]
}
