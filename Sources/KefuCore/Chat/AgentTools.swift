import Foundation

/// A canned answer an agent inserts by its shortcode (`/hi`). Team replies have no owner.
public struct QuickReply: Codable, Hashable, Sendable {
    public var id: String
    public var ownerId: String?
    public var shortcode: String
    public var text: String

    public init(id: String, ownerId: String?, shortcode: String, text: String) {
        self.id = id
        self.ownerId = ownerId
        self.shortcode = shortcode
        self.text = text
    }

    public static func problems(shortcode: String, text: String) -> [String] {
        var problems: [String] = []
        let codeOK = shortcode.hasPrefix("/") && (2...20).contains(shortcode.count)
            && shortcode.dropFirst().unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        if !codeOK { problems.append("shortcode: 快捷码以 / 开头，后接 1–19 位字母、数字或 _") }
        if !Validation.isCleanText(text, max: 1000) { problems.append("text: 内容为 1–1000 字") }
        return problems
    }

    /// Fills {客户姓名} and {工号}; unknown braces stay as typed.
    public static func expand(_ text: String, customerName: String?, agentNo: String) -> String {
        text.replacingOccurrences(of: "{客户姓名}", with: customerName ?? "客户")
            .replacingOccurrences(of: "{工号}", with: agentNo)
    }
}

/// A word agents must not send (禁用词), with what to say instead.
public struct ForbiddenWord: Codable, Hashable, Sendable {
    public var id: String
    public var word: String
    public var suggestion: String

    public init(id: String, word: String, suggestion: String) {
        self.id = id
        self.word = word
        self.suggestion = suggestion
    }

    /// The first forbidden word in `text`, compared after folding width and case, so
    /// "ＳＢ" or "Sb" do not slip past "sb".
    public static func firstHit(in text: String, among words: [ForbiddenWord]) -> ForbiddenWord? {
        let folded = TextFolding.fold(text)
        return words.first { !$0.word.isEmpty && folded.contains(TextFolding.fold($0.word)) }
    }
}

/// Normalises text for matching: full-width forms to half-width, ideographic space to space, lower case.
public enum TextFolding {
    public static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars).lowercased()
    }
}

/// Attachment kinds the chat accepts, recognised from the first bytes, never from what the client says.
public enum AttachmentKind {
    public static let maxBytes = 10 * 1024 * 1024

    /// The MIME type of an image or voice note, or nil for anything else.
    public static func sniff(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        let ascii = { (text: String) in Array(text.utf8) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(ascii("GIF87a")) || starts(ascii("GIF89a")) { return "image/gif" }
        if starts(ascii("RIFF")) && starts(ascii("WEBP"), at: 8) { return "image/webp" }
        if starts(ascii("RIFF")) && starts(ascii("WAVE"), at: 8) { return "audio/wav" }
        if starts(ascii("#!AMR\n")) { return "audio/amr" }
        if starts(ascii("OggS")) { return "audio/ogg" }
        if starts(ascii("ID3")) || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) || starts([0xFF, 0xF2]) { return "audio/mpeg" }
        if starts(ascii("ftyp"), at: 4) && (starts(ascii("M4A "), at: 8) || starts(ascii("isom"), at: 8) || starts(ascii("mp42"), at: 8)) {
            return "audio/mp4"
        }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "audio/webm" }
        return nil
    }
}
