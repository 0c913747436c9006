import Foundation
import KefuCore

/// Brings the many ways customers type one thing to one form: full-width to half-width, lower case,
/// traditional and misspelt forms to the usual simplified ones, runs of spaces to one.
public enum TextNormalizer {
    /// Longer forms first, so "留量" is fixed before single characters are.
    static let variants: [(String, String)] = [
        ("冰淇淋", "冰激凌"), ("留量", "流量"), ("流亮", "流量"), ("宽代", "宽带"), ("帐单", "账单"), ("話費", "话费"),
        ("話", "话"), ("費", "费"), ("寬", "宽"), ("帶", "带"), ("電", "电"), ("機", "机"), ("號", "号"), ("碼", "码"),
        ("賬", "账"), ("單", "单"), ("網", "网"), ("絡", "络"), ("務", "务"), ("訊", "讯"), ("開", "开"), ("戶", "户"),
        ("銷", "销"), ("餘", "余"), ("額", "额"), ("雙", "双"), ("漫遊", "漫游"), ("發票", "发票"), ("積分", "积分"),
        ("無", "无"), ("線", "线"), ("斷", "断"), ("視", "视"), ("頻", "频"), ("訂", "订"), ("與", "与"), ("麼", "么"),
        ("為", "为"), ("這", "这"), ("個", "个"), ("們", "们"), ("還", "还"), ("沒", "没"), ("錢", "钱"),
    ]

    public static func normalize(_ text: String) -> String {
        var folded = TextFolding.fold(text)
        for (variant, standard) in variants where folded.contains(variant) {
            folded = folded.replacingOccurrences(of: variant, with: standard)
        }
        var result = ""
        var lastWasSpace = true
        for character in folded {
            if character.isWhitespace {
                if !lastWasSpace { result.append(" ") }
                lastWasSpace = true
            } else {
                result.append(character)
                lastWasSpace = false
            }
        }
        return result.hasSuffix(" ") ? String(result.dropLast()) : result
    }
}

