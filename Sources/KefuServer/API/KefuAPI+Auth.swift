import Foundation
import KefuCore
import KefuStore

extension KefuAPI {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let username = body.username.trimmingCharacters(in: .whitespaces).lowercased()
        guard !username.isEmpty, !body.password.isEmpty else { throw KefuError.invalid("请输入用户名和密码") }
        // Failures count per account and address, so a stranger's wrong guesses lock out only the stranger;
        // the account's own, higher limit stops a guesser with many addresses, and its owner is told.
        let failures: [(RateLimits.Purpose, String)] = [
            (.loginFailuresPerUserAddress, username + "|" + info.clientAddress), (.loginFailuresPerUser, username),
        ]
        try rateLimits.check([(.loginPerAddress, info.clientAddress)])
        try rateLimits.require(failures)

        let found = try await store.staff.credentials(username: username)
        // Verify against a decoy when the user is unknown, so the answer takes as long either way.
        let valid = try await hasher.verify(body.password, hash: found?.1 ?? PasswordHasher.decoy)
        guard let (user, _) = found, valid, !user.disabled else {
            let principal = Principal.staff(id: found?.0.id ?? "unknown", username: username, role: .agent, agentNo: "")
            try await audit(principal, "auth.login_failed", targetType: "staff", targetId: username)
            if rateLimits.recordFailure(failures).contains(.loginFailuresPerUser), let user = found?.0 {
                try await store.staff.recordLockout(
                    of: user.id, notice: LoginLockout.notice(username: user.username),
                    audit: entry(principal, "auth.account_locked", targetType: "staff", targetId: user.id, detail: "address=\(info.clientAddress)"),
                    now: now()
                )
            }
            throw KefuError(.unauthorized, "invalid_credentials", "用户名或密码错误")
        }
        let principal = Principal.staff(id: user.id, username: user.username, role: user.role, agentNo: user.agentNo)
        let (session, cookie) = try await startSession(principal, kind: "staff", ttl: config.staffSessionTTL)
        try await audit(principal, "auth.login", targetType: "staff", targetId: user.id)
        info.cookies.set(cookie)
        return .ok(.init(body: .json(session)))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        let principal = try requirePrincipal()
        if let hash = info.tokenHash {
            try await store.sessions.delete(tokenHash: hash)
            sockets.end(.session(tokenHash: hash))
        }
        try await audit(principal, "auth.logout", targetType: principal.actorKind, targetId: principal.actorID)
        info.cookies.set(expiredCookie())
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        .ok(.init(body: .json(try await me(try requirePrincipal()))))
    }

    func requestSmsCode(_ input: Operations.RequestSmsCode.Input) async throws -> Operations.RequestSmsCode.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let phone = body.phone.trimmingCharacters(in: .whitespaces)
        guard Validation.isMobileNumber(phone) else { throw KefuError.invalid("请输入11位手机号码") }
        try rateLimits.check([(.smsPerPhone, phone), (.smsPerPhoneDaily, phone), (.smsPerAddress, info.clientAddress)])

        // Only subscribers get a code; the answer is the same either way, so it tells no one who is a customer.
        if try await store.customers.find(phone: phone) != nil {
            let code = Tokens.smsCode()
            let time = now()
            try await store.smsCodes.replace(
                phone: phone, codeHash: Tokens.smsCodeHash(phone: phone, code: code), now: time,
                expiresAt: time.addingTimeInterval(config.smsCodeTTL)
            )
            do {
                try await sms.send(to: phone, text: "【客服】您的登录验证码为 \(code)，\(Int(config.smsCodeTTL / 60)) 分钟内有效。请勿告诉他人。")
            } catch {
                logger.error("SMS delivery failed", metadata: ["error": "\(error)"])
                try await store.smsCodes.consume(phone: phone)
                throw KefuError(.badGateway, "sms_unavailable", "短信发送失败，请稍后再试")
            }
        }
        return .accepted(.init(body: .json(.init(expiresInSeconds: Int(config.smsCodeTTL), resendAfterSeconds: 60))))
    }

    func verifySmsCode(_ input: Operations.VerifySmsCode.Input) async throws -> Operations.VerifySmsCode.Output {
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let phone = body.phone.trimmingCharacters(in: .whitespaces)
        guard Validation.isMobileNumber(phone) else { throw KefuError.invalid("请输入11位手机号码") }
        guard body.code.count == 6, body.code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw KefuError.invalid("验证码为6位数字")
        }
        try rateLimits.check([(.smsVerifyPerPhone, phone), (.loginPerAddress, info.clientAddress)])
        let wrong = KefuError(.unauthorized, "invalid_code", "验证码错误或已过期")
        // Five wrong guesses burn the code: a new one must be requested.
        guard let pending = try await store.smsCodes.recordAttempt(phone: phone, now: now()), pending.attempts < 5 else {
            throw wrong
        }
        guard Tokens.constantTimeEqual(pending.codeHash, Tokens.smsCodeHash(phone: phone, code: body.code)) else {
            throw wrong
        }
        try await store.smsCodes.consume(phone: phone)
        guard let customer = try await store.customers.find(phone: phone) else { throw wrong }
        let principal = Principal.customer(id: customer.id, phone: phone)
        let (session, cookie) = try await startSession(principal, kind: "customer", ttl: config.customerSessionTTL)
        try await audit(principal, "auth.sms_login", targetType: "customer", targetId: customer.id)
        info.cookies.set(cookie)
        return .ok(.init(body: .json(session)))
    }

    func startVisitorSession(_ input: Operations.StartVisitorSession.Input) async throws -> Operations.StartVisitorSession.Output {
        try rateLimits.check([(.visitorPerAddress, info.clientAddress)])
        let principal = Principal.visitor(id: Store.newID("vis"))
        let (session, cookie) = try await startSession(principal, kind: "visitor", ttl: config.customerSessionTTL)
        info.cookies.set(cookie)
        return .created(.init(body: .json(session)))
    }

    /// What a visitor is called in the chat: 访客 and four characters of their id.
    static func visitorName(_ id: String) -> String { "访客" + id.suffix(4).uppercased() }

    private func startSession(_ principal: Principal, kind: String, ttl: TimeInterval) async throws -> (Components.Schemas.Session, String) {
        let token = Tokens.generate()
        let created = now()
        let expires = created.addingTimeInterval(ttl)
        try await store.sessions.create(
            StoredSession(tokenHash: Tokens.hash(token), principalKind: kind, principalID: principal.actorID, createdAt: created, expiresAt: expires)
        )
        let cookie = "\(AuthMiddleware.cookieName)=\(token); Path=/; Max-Age=\(Int(ttl)); HttpOnly; SameSite=Lax\(config.cookiesAreSecure ? "; Secure" : "")"
        return (.init(token: token, expiresAt: expires, me: try await me(principal)), cookie)
    }

    private func expiredCookie() -> String {
        "\(AuthMiddleware.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\(config.cookiesAreSecure ? "; Secure" : "")"
    }

    private func me(_ principal: Principal) async throws -> Components.Schemas.Me {
        switch principal {
        case .staff(let id, let username, let role, let agentNo):
            let user = try await store.staff.find(id: id)
            return .init(
                kind: .staff, id: id, displayName: user?.displayName ?? username, role: .init(rawValue: role.rawValue),
                agentNo: agentNo, permissions: role.permissions.map(\.rawValue).sorted()
            )
        case .customer(let id, let phone):
            let customer = try await store.customers.find(id: id)
            return .init(kind: .customer, id: id, displayName: customer.map { Masking.name($0.name) } ?? "", phone: phone, permissions: [])
        case .visitor(let id):
            return .init(kind: .visitor, id: id, displayName: Self.visitorName(id), permissions: [])
        }
    }
}
