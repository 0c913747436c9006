import Foundation
import KefuCore
import Yams

/// The operations of `openapi.yaml`, read once at start-up, as far as the server checks a request
/// against them before any handler runs: the method, whether a session is needed, and every query
/// and path parameter's schema. The generated server decodes types but not constraints (a `limit`
/// of -247950 reached a handler), so the document's own limits are enforced here, from one place.
struct Contract: Sendable {
    /// A schema's `pattern`, compiled once; JSON Schema patterns match anywhere unless anchored.
    final class Pattern: @unchecked Sendable {
        // NSRegularExpression is immutable once made, and matching from several threads is safe.
        let source: String
        let regex: NSRegularExpression

        init?(_ source: String?) {
            guard let source, let regex = try? NSRegularExpression(pattern: source) else { return nil }
            self.source = source
            self.regex = regex
        }

        func matches(_ value: String) -> Bool {
            regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        }
    }

    struct Schema: Sendable {
        var type: String?
        var pattern: Pattern?
        var format: String?
        var allowed: [String]?
        var minimum: Double?
        var maximum: Double?
        var minLength: Int?
        var maxLength: Int?
    }

    struct Parameter: Sendable {
        var name: String
        var inPath: Bool
        var required: Bool
        var schema: Schema
    }

    struct Operation: Sendable {
        var method: String
        var segments: [String]
        var parameters: [Parameter]
        var needsSession: Bool
    }

    enum Match {
        case operation(Operation, pathValues: [String: String])
        /// The path exists with other methods.
        case otherMethods([String])
        case unknown
    }

    let operations: [Operation]

    init(yaml: String) throws {
        guard let root = try Yams.load(yaml: yaml) as? [String: Any], let paths = root["paths"] as? [String: Any] else {
            throw AppConfig.Invalid(description: "openapi.yaml has no paths")
        }
        let components = root["components"] as? [String: Any] ?? [:]
        let globalSecurity = (root["security"] as? [Any]).map { !$0.isEmpty } ?? false
        func resolve(_ value: Any?) -> [String: Any]? {
            guard let object = value as? [String: Any] else { return nil }
            guard let ref = object["$ref"] as? String, ref.hasPrefix("#/components/") else { return object }
            let parts = ref.dropFirst("#/components/".count).split(separator: "/").map(String.init)
            guard parts.count == 2 else { return nil }
            return resolve((components[parts[0]] as? [String: Any])?[parts[1]])
        }
        func schema(_ value: Any?) -> Schema {
            guard let object = resolve(value) else { return Schema() }
            let number: (String) -> Double? = { (object[$0] as? Int).map(Double.init) ?? (object[$0] as? Double) }
            return Schema(
                type: object["type"] as? String, pattern: Pattern(object["pattern"] as? String), format: object["format"] as? String, allowed: (object["enum"] as? [Any])?.map { "\($0)" },
                minimum: number("minimum"), maximum: number("maximum"),
                minLength: object["minLength"] as? Int, maxLength: object["maxLength"] as? Int
            )
        }
        var operations: [Operation] = []
        for (path, value) in paths {
            guard let item = value as? [String: Any] else { continue }
            let shared = item["parameters"] as? [Any] ?? []
            for method in ["get", "put", "post", "delete", "patch"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                let parameters = (shared + (operation["parameters"] as? [Any] ?? [])).compactMap(resolve).compactMap { p -> Parameter? in
                    guard let name = p["name"] as? String, let location = p["in"] as? String, location == "query" || location == "path" else { return nil }
                    return Parameter(name: name, inPath: location == "path", required: p["required"] as? Bool ?? false, schema: schema(p["schema"]))
                }
                let security = (operation["security"] as? [Any]).map { !$0.isEmpty } ?? globalSecurity
                operations.append(Operation(
                    method: method.uppercased(), segments: path.split(separator: "/").map(String.init),
                    parameters: parameters, needsSession: security
                ))
            }
        }
        self.operations = operations
    }

    func match(method: String, path: String) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var others: [String] = []
        // A literal segment beats a template one: /tickets/draft is not /tickets/{ticketId}.
        var best: (Operation, [String: String], Int)?
        for operation in operations where operation.segments.count == segments.count {
            var values: [String: String] = [:]
            var literals = 0
            var fits = true
            for (template, actual) in zip(operation.segments, segments) {
                if template.hasPrefix("{"), template.hasSuffix("}") {
                    values[String(template.dropFirst().dropLast())] = actual.removingPercentEncoding ?? actual
                } else if template == actual {
                    literals += 1
                } else {
                    fits = false
                    break
                }
            }
            guard fits else { continue }
            if operation.method != method {
                others.append(operation.method)
            } else if best == nil || literals > best!.2 {
                best = (operation, values, literals)
            }
        }
        if let (operation, values, _) = best {
            return .operation(operation, pathValues: values)
        }
        return others.isEmpty ? .unknown : .otherMethods(Array(Set(others)).sorted())
    }

    /// What is wrong with the request's parameters, each naming the parameter; empty when nothing is.
    static func problems(_ operation: Operation, query: [String: [String]], path: [String: String]) -> [String] {
        var problems: [String] = []
        for parameter in operation.parameters {
            let values = parameter.inPath ? path[parameter.name].map { [$0] } ?? [] : query[parameter.name] ?? []
            if values.isEmpty {
                if parameter.required { problems.append("缺少参数 \(parameter.name)") }
                continue
            }
            for value in values {
                if let problem = problem(value, parameter.schema) {
                    problems.append("参数 \(parameter.name)：\(problem)")
                    break
                }
            }
        }
        return problems
    }

    static func problem(_ value: String, _ schema: Schema) -> String? {
        if let allowed = schema.allowed, !allowed.contains(value) {
            return "应为 \(allowed.joined(separator: "、")) 之一"
        }
        switch schema.type {
        case "integer":
            guard let number = Int(value) else { return "应为整数" }
            if let minimum = schema.minimum, Double(number) < minimum { return "不能小于 \(Int(minimum))" }
            if let maximum = schema.maximum, Double(number) > maximum { return "不能大于 \(Int(maximum))" }
        case "number":
            guard let number = Double(value), number.isFinite else { return "应为数字" }
            if let minimum = schema.minimum, number < minimum { return "不能小于 \(minimum)" }
            if let maximum = schema.maximum, number > maximum { return "不能大于 \(maximum)" }
        case "boolean":
            guard value == "true" || value == "false" else { return "应为 true 或 false" }
        default:
            if schema.format == "date-time", RFC3339Dates.parse(value) == nil { return "应为 RFC 3339 时间，如 2026-12-01T08:00:00Z" }
            if let minLength = schema.minLength, value.count < minLength { return minLength == 1 ? "不能为空" : "至少 \(minLength) 个字符" }
            if let maxLength = schema.maxLength, value.count > maxLength { return "最多 \(maxLength) 个字符" }
            if let pattern = schema.pattern, !pattern.matches(value) { return "格式不正确" }
        }
        return nil
    }
}

