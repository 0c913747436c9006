import Foundation
import KefuCore
import KefuStore

extension KefuAPI {
    func listPackages(_ input: Operations.ListPackages.Input) async throws -> Operations.ListPackages.Output {
        .ok(.init(body: .json(try await store.catalog.list())))
    }

    func createPackage(_ input: Operations.CreatePackage.Input) async throws -> Operations.CreatePackage.Output {
        let principal = try require(.catalogManage)
        guard case .json(let package) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let problems = package.problems()
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        try await store.catalog.create(package, audit: entry(principal, "package.create", targetType: "package", targetId: package.code))
        return .created(.init(body: .json(package)))
    }

    func updatePackage(_ input: Operations.UpdatePackage.Input) async throws -> Operations.UpdatePackage.Output {
        let principal = try require(.catalogManage)
        guard case .json(let package) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        guard package.code == input.path.code else { throw KefuError.invalid("路径与请求体中的套餐编码不一致") }
        let problems = package.problems()
        guard problems.isEmpty else { throw KefuError.unprocessable(problems) }
        let audit = entry(principal, "package.update", targetType: "package", targetId: package.code, detail: "monthlyFeeFen=\(package.monthlyFeeFen)")
        guard try await store.catalog.update(package, audit: audit) else { throw KefuError.notFound("套餐") }
        return .ok(.init(body: .json(package)))
    }

    func listStaff(_ input: Operations.ListStaff.Input) async throws -> Operations.ListStaff.Output {
        try require(.staffRead)
        return .ok(.init(body: .json(try await store.staff.list())))
    }

    func createStaff(_ input: Operations.CreateStaff.Input) async throws -> Operations.CreateStaff.Output {
        let principal = try require(.staffManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let username = body.username.lowercased()
        var problems = [StaffUser.usernameProblem(username), StaffUser.passwordProblem(body.password)].compactMap { $0 }
        if !Validation.isCleanText(body.displayName, max: 40) { problems.append("displayName: 姓名为 1–40 字") }
        if !Validation.isCleanText(body.agentNo, max: 16) || !body.agentNo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            problems.append("agentNo: 工号为 1–16 位字母或数字")
        }
        guard problems.isEmpty, let role = Role(rawValue: body.role.rawValue) else { throw KefuError.unprocessable(problems) }
        let user = StaffUser(
            id: Store.newID("staff"), username: username, displayName: body.displayName, role: role, agentNo: body.agentNo,
            skills: Array(Set((body.skills ?? []).map(\.rawValue))).sorted(), disabled: false, autoAssign: body.autoAssign, createdAt: now()
        )
        let hash = try await hasher.hash(body.password)
        try await store.staff.create(user, passwordHash: hash, audit: entry(principal, "staff.create", targetType: "staff", targetId: user.id, detail: "role=\(role.rawValue)"))
        return .created(.init(body: .json(user)))
    }

    func updateStaff(_ input: Operations.UpdateStaff.Input) async throws -> Operations.UpdateStaff.Output {
        let principal = try require(.staffManage)
        guard case .json(let body) = input.body else { throw KefuError.invalid("需要 JSON 请求体") }
        let skills = body.skills.map { Array(Set($0.map(\.rawValue))).sorted() }
        var detail: [String] = []
        if let autoAssign = body.autoAssign { detail.append("autoAssign=\(autoAssign)") }
        if let skills { detail.append("skills=\(skills.joined(separator: ","))") }
        let audit = entry(principal, "staff.update", targetType: "staff", targetId: input.path.userId, detail: detail.joined(separator: " "))
        guard let user = try await store.staff.update(id: input.path.userId, autoAssign: body.autoAssign, skills: skills, audit: audit) else {
            throw KefuError.notFound("员工账号")
        }
        // Someone who now takes chats, or takes other groups', may be the one a waiting customer needs.
        try await chat.dispatch()
        return .ok(.init(body: .json(user)))
    }

    func disableStaff(_ input: Operations.DisableStaff.Input) async throws -> Operations.DisableStaff.Output {
        let principal = try require(.staffManage)
        guard input.path.userId != principal.actorID else { throw KefuError.invalid("不能停用自己的账号") }
        let audit = entry(principal, "staff.disable", targetType: "staff", targetId: input.path.userId)
        guard try await store.staff.setDisabled(id: input.path.userId, true, audit: audit) else { throw KefuError.notFound("员工账号") }
        try await store.sessions.deleteAll(principalID: input.path.userId)
        sockets.end(.principal(id: input.path.userId))
        return .noContent(.init())
    }

    func searchAudit(_ input: Operations.SearchAudit.Input) async throws -> Operations.SearchAudit.Output {
        let principal = try require(.auditRead)
        let query = AuditRepository.Query(
            actorID: input.query.actorId, action: input.query.action, targetID: input.query.targetId,
            since: input.query.since, until: input.query.until, limit: input.query.limit ?? 100
        )
        let entries = try await store.audit.search(query)
        try await audit(principal, "audit.read", targetType: "audit", targetId: "*")
        return .ok(.init(body: .json(PersonalData.shown(entries, to: principal))))
    }
}
