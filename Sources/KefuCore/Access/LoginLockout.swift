/// Wrong passwords lock out the pair of an account and an address after a few tries, and the account
/// itself only after many, from however many addresses: a stranger cannot lock the admin out, and a
/// guesser with many addresses still stops. When the account locks, its owner is told.
public enum LoginLockout {
    public static let windowSeconds: Double = 15 * 60
    public static let failuresPerAccountAndAddress = 5
    public static let failuresPerAccount = 30

    public static func notice(username: String) -> String {
        "账号 \(username) 在 \(Int(windowSeconds / 60)) 分钟内多次输入错误密码，已暂停登录 \(Int(windowSeconds / 60)) 分钟。如非本人操作，请立即联系管理员修改密码。"
    }
}
