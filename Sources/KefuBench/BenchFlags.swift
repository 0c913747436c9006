/// A bench's options: `--flag value` pairs, each handed to the bench's own `apply`, which says whether
/// it knew the flag; numbers are checked against the range the bench allows.
enum BenchFlags {
    static func each(_ arguments: [String], _ apply: (_ flag: String, _ value: String) throws -> Bool) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            guard try apply(flag, value) else { throw BenchError("unknown option \(flag)") }
        }
    }

    static func int(_ text: String, _ flag: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text), range.contains(value) else { throw BenchError("\(flag) must be \(range.lowerBound)–\(range.upperBound)") }
        return value
    }
}

/// A bench that cannot run as asked: said plainly, exit status 2.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
