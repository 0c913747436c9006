import Foundation
import KefuCore
import KefuNLU

extension KefuAPI {
    /// Longer messages are refused rather than silently cut: nobody types more into a chat box.
    static let maxClassifyCharacters = 2000

    func classify(_ input: Operations.Classify.Input) async throws -> Operations.Classify.Output {
        _ = try requirePrincipal()
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw KefuError.unprocessable(["text: 不能为空"]) }
        guard text.count <= Self.maxClassifyCharacters else { throw KefuError.unprocessable(["text: 最多 2000 字"]) }
        return .ok(.init(body: .json(nlu.understand(text))))
    }
}
