import Foundation

/// The span a quality report covers: `[from, to)`, from before to, at most a year (longer reports are
/// the warehouse's job, and a typo of a year should not scan a decade).
public struct ReportPeriod: Sendable, Equatable {
    public let from: Date
    public let to: Date
    public static let longest: TimeInterval = 366 * 86_400

    public enum Problem: Error, Equatable, Sendable, KefuErrorConvertible {
        case reversed, tooLong

        public var kefuError: KefuError {
            switch self {
            case .reversed: KefuError(.invalid, "invalid_period", "开始时间必须早于结束时间")
            case .tooLong: KefuError(.invalid, "period_too_long", "统计周期最长一年")
            }
        }
    }

    public init(from: Date, to: Date) throws(Problem) {
        guard from < to else { throw .reversed }
        guard to.timeIntervalSince(from) <= Self.longest else { throw .tooLong }
        self.from = from
        self.to = to
    }
}
