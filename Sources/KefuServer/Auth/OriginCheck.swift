import Foundation

/// Whether a page may open the chat socket with the visitor's cookie. Browsers send `Origin` on every
/// WebSocket handshake and the socket has no CORS: without this check any site could chat in a logged-in
/// customer's name (cross-site WebSocket hijacking). Clients that are not browsers send no Origin, or one
/// no page can have (Swift's client sends `ws://host`): those are let through.
struct OriginCheck: Sendable {
    /// Extra origins allowed, as `scheme://host[:port]`, lowercased.
    let allowed: Set<String>

    init(allowed: [String]) {
        self.allowed = Set(allowed.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/")) })
    }

    /// `origins` are the header's values (none when absent); `host` the request's Host (authority).
    func allows(origins: [String], host: String?) -> Bool {
        origins.allSatisfy { allows(origin: $0, host: host) }
    }

    func allows(origin: String, host: String?) -> Bool {
        let origin = origin.lowercased()
        if allowed.contains(origin) { return true }
        if origin.hasPrefix("ws://") || origin.hasPrefix("wss://") { return true }
        // "null" (a sandboxed frame, a file) and anything unreadable is a page we cannot vouch for.
        guard let url = URL(string: origin), url.scheme == "http" || url.scheme == "https", let originHost = url.host,
              let host = host?.lowercased()
        else { return false }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        // The Host header leaves out a default port; so may the Origin.
        let defaultPort = url.scheme == "https" ? "443" : "80"
        return host == originAuthority || host == "\(originAuthority):\(defaultPort)" || "\(host):\(defaultPort)" == originAuthority
    }
}
