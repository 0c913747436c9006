import Crypto
import Foundation
import KefuCore
import HummingbirdBcrypt
import NIOPosix

/// Session tokens: 256 random bits handed to the client; the store keeps only their SHA-256.
enum Tokens {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).lowercaseHex
    }

    /// A 6-digit SMS code.
    static func smsCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0...999_999, using: &generator))
    }

    /// SMS codes are hashed with the phone number, so equal codes for two phones differ in the store.
    static func smsCodeHash(phone: String, code: String) -> String {
        hash("sms:\(phone):\(code)")
    }

    /// Compares without an early exit, so timing does not tell how much of a guess was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// bcrypt, run on the thread pool: it is slow on purpose and must not block an event loop.
public struct PasswordHasher: Sendable {
    let cost: UInt8

    public init(cost: UInt8) { self.cost = cost }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A real hash to compare against when the username is unknown, so both cases take as long.
    static let decoy = Bcrypt.hash("decoy-password-never-used", cost: 12)
}

/// The one-use pass that opens a chat socket where no cookie or header can be sent. It is stored like
/// a session, with its kind prefixed, so it can never serve as one.
enum SocketPass {
    static let kindPrefix = "pass:"
    static let lifetime: TimeInterval = 60
}
