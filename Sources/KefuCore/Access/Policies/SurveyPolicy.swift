/// Surveys: only the customer or visitor a contact belongs to answers its survey; staff who watch
/// quality read the answers.
public enum SurveyPolicy {
    public static func answer(_ principal: Principal, _ contact: RatedContact) -> Access {
        switch principal {
        case .customer(let id, _): contact.ownerId == id ? .allowed : .hidden
        case .visitor(let id): contact.kind == .chat && contact.ownerId == id ? .allowed : .hidden
        case .staff: .forbidden
        }
    }

    public static func read(_ principal: Principal) -> Access {
        Access.staff(principal, .qualityRead)
    }
}
