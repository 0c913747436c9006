import Foundation

/// new → assigned → in progress ⇄ waiting for customer → resolved → closed; resolved or closed may be
/// reopened within seven days. Nothing else moves.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new
    case assigned
    case inProgress = "in_progress"
    case waitingCustomer = "waiting_customer"
    case resolved
    case closed

    public static let reopenWindow: TimeInterval = 7 * 86400

    public var label: String {
        switch self {
        case .new: "待分派"
        case .assigned: "已分派"
        case .inProgress: "处理中"
        case .waitingCustomer: "等待客户"
        case .resolved: "已解决"
        case .closed: "已关闭"
        }
    }

    /// Moves made through a transition; assigning and reopening have their own operations.
    public func canMove(to next: TicketStatus) -> Bool {
        switch (self, next) {
        case (.new, .assigned), (.assigned, .inProgress), (.inProgress, .waitingCustomer), (.waitingCustomer, .inProgress),
            (.inProgress, .resolved), (.waitingCustomer, .resolved), (.resolved, .closed):
            true
        default:
            false
        }
    }

    /// Open tickets count against the SLA; resolved and closed ones no longer do.
    public var isOpen: Bool { self != .resolved && self != .closed }

    /// Why a reopen is refused, or nil when it is allowed.
    public static func reopenProblem(status: TicketStatus, finishedAt: Date?, now: Date) -> String? {
        guard status == .resolved || status == .closed else { return "只有已解决或已关闭的工单可以重新打开" }
        guard let finishedAt, now.timeIntervalSince(finishedAt) <= reopenWindow else { return "工单关闭已超过 7 天，不能重新打开，请新建工单" }
        return nil
    }
}
