public import AsyncHTTPClient
public import Foundation
public import KefuCore
public import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Face verification against the resident ID (人脸核验) before a number is opened.
public protocol IdentityVerifier: Sendable {
    func verify(name: String, idNumber: String, faceImage: Data) async throws -> IdentityVerdict
}

public struct IdentityVerdict: Sendable, Equatable {
    public var passed: Bool
    public var score: Double
    public var reference: String
    public var reason: String?

    public init(passed: Bool, score: Double, reference: String, reason: String? = nil) {
        self.passed = passed
        self.score = score
        self.reference = reference
        self.reason = reason
    }
}

/// Why a verification could not be made: each maps to a clear answer for the customer.
public enum IdentityVerificationError: KefuErrorConvertible, Equatable, CustomStringConvertible {
    case unreachable
    case timedOut
    case rejectedRequest(String)
    case providerError(Int)
    case malformedAnswer

    public var description: String {
        switch self {
        case .unreachable: "人脸核验服务暂不可用，请稍后再试"
        case .timedOut: "人脸核验超时，请稍后再试"
        case .rejectedRequest(let reason): "人脸核验请求被拒绝：\(reason)"
        case .providerError(let status): "人脸核验服务出错（\(status)），请稍后再试"
        case .malformedAnswer: "人脸核验服务返回了无法识别的结果"
        }
    }

    /// The provider failed us, not the customer: a 502 that says so in its own words.
    public var kefuError: KefuError { KefuError(.badGateway, "verification_unavailable", description) }
}

/// The client for an external provider, as documented in docs/identity-verification.md:
/// `POST {url}` with `Authorization: Bearer {apiKey}` and
/// `{"name", "idNumber", "image": base64, "requestId"}`; the answer is
/// `{"passed": Bool, "score": 0…1, "reference": "…", "reason"?: "…"}`.
public struct HTTPIdentityVerifier: IdentityVerifier {
    let endpoint: JSONEndpoint

    public init(url: String, apiKey: String, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(5), attempts: Int = 3) {
        self.endpoint = JSONEndpoint(url: url, apiKey: apiKey, client: client, timeout: timeout, attempts: max(1, attempts))
    }

    struct Payload: Encodable {
        let name: String
        let idNumber: String
        let image: String
        let requestId: String
    }

    struct Answer: Decodable {
        let passed: Bool
        let score: Double
        let reference: String
        let reason: String?
    }

    public func verify(name: String, idNumber: String, faceImage: Data) async throws -> IdentityVerdict {
        let body = try JSONEncoder().encode(Payload(name: name, idNumber: idNumber, image: faceImage.base64EncodedString(), requestId: UUID().uuidString))
        // A refused request or an answer that does not parse will not change on retry.
        return try await endpoint.withRetries({ error in
            switch error as? IdentityVerificationError {
            case .rejectedRequest, .malformedAnswer: false
            default: true
            }
        }) {
            try await post(body)
        }
    }

    private func post(_ body: Data) async throws -> IdentityVerdict {
        let status: UInt
        let bytes: ByteBuffer
        do {
            (status, bytes) = try await endpoint.post(body)
        } catch JSONEndpoint.TransportError.timedOut {
            throw IdentityVerificationError.timedOut
        } catch {
            throw IdentityVerificationError.unreachable
        }
        switch status {
        case 200..<300:
            guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(buffer: bytes)), (0...1).contains(answer.score) else {
                throw IdentityVerificationError.malformedAnswer
            }
            return IdentityVerdict(passed: answer.passed, score: answer.score, reference: answer.reference, reason: answer.reason)
        case 400..<500:
            let reason = (try? JSONDecoder().decode([String: String].self, from: Data(buffer: bytes)))?["error"] ?? "HTTP \(status)"
            throw IdentityVerificationError.rejectedRequest(reason)
        default:
            throw IdentityVerificationError.providerError(Int(status))
        }
    }
}

/// The local provider the demo and tests run against: the same decisions a provider would make from what
/// it can check here. The photo must be a real image of some size; `AppConfig.validate()` refuses it in production.
public struct LocalIdentityVerifier: IdentityVerifier {
    public init() {}

    public func verify(name: String, idNumber: String, faceImage: Data) async throws -> IdentityVerdict {
        let reference = "local-" + UUID().uuidString.prefix(8).lowercased()
        guard faceImage.count >= 64, let mime = AttachmentKind.sniff(Array(faceImage.prefix(16))), mime.hasPrefix("image/") else {
            return IdentityVerdict(passed: false, score: 0, reference: reference, reason: "未检测到有效的人脸照片")
        }
        guard case .success = ResidentID.parse(idNumber), !name.isEmpty else {
            return IdentityVerdict(passed: false, score: 0, reference: reference, reason: "身份信息不一致")
        }
        return IdentityVerdict(passed: true, score: 0.93, reference: reference)
    }
}
