import Foundation

/// Where the data lives, as given on the command line or in `KEFU_DATABASE_URL`.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case sqliteMemory
    case postgres(url: String)

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Accepts `sqlite:///abs/path`, `sqlite://relative/path`, `sqlite::memory:` and `postgres://user:pass@host:port/db`.
    public init(parsing text: String) throws {
        if text == "sqlite::memory:" {
            self = .sqliteMemory
        } else if text.hasPrefix("sqlite://") {
            let rest = String(text.dropFirst("sqlite://".count))
            guard !rest.isEmpty else { throw Invalid(description: "sqlite URL has no path: \(text)") }
            self = .sqliteFile(path: rest)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard URL(string: text)?.host != nil else { throw Invalid(description: "postgres URL has no host") }
            self = .postgres(url: text)
        } else {
            throw Invalid(
                description: "unsupported database URL; use sqlite:///abs/path, sqlite://relative/path, sqlite::memory: or postgres://user:pass@host:port/db"
            )
        }
    }

    /// The URL with any password replaced, for logs.
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite://\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url):
            if var parts = URLComponents(string: url), parts.password != nil {
                parts.password = "***"
                return parts.string ?? "postgres://***"
            } else {
                return url
            }
        }
    }
}
