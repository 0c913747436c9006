/// A value that may carry personal data, and its form for staff: structured fields masked as their
/// kind is (name, ID number, phone, address), free text through `Masking.text`.
public protocol MaskedForStaff {
    func maskedForStaff() -> Self
    /// The form the owner gets: in full but for what a page never needs to show even them (the ID number).
    func maskedForOwner() -> Self
}

extension MaskedForStaff {
    public func maskedForOwner() -> Self { self }
}

/// The one place that decides whether personal data leaves the server in full: only to the customers
/// themselves (their own record, tickets and chats). Staff get it masked and see the rest through the
/// audited unmask, with a reason.
public enum PersonalData {
    public static func shown<T: MaskedForStaff>(_ value: T, to principal: Principal) -> T {
        guard CustomerRecordPolicy.seesUnmasked(principal) else { return value.maskedForStaff() }
        if case .customer = principal { return value.maskedForOwner() }
        return value
    }

    public static func shown<T: MaskedForStaff>(_ values: [T], to principal: Principal) -> [T] {
        values.map { shown($0, to: principal) }
    }

    public static func shown<T: MaskedForStaff>(_ value: T?, to principal: Principal) -> T? {
        value.map { shown($0, to: principal) }
    }

    /// Free text written from a customer's words (a draft, an export line).
    public static func shown(text: String, to principal: Principal) -> String {
        CustomerRecordPolicy.seesUnmasked(principal) ? text : Masking.text(text)
    }
}

extension Customer: MaskedForStaff {
    public func maskedForStaff() -> Customer { masking() }

    /// A customer's own page shows their ID number as everywhere else: a stolen session or a shoulder
    /// behind them does not read it, and nothing they do needs it in full.
    public func maskedForOwner() -> Customer {
        var copy = self
        copy.idNumber = Masking.idNumber(idNumber)
        return copy
    }
}

extension Customer360: MaskedForStaff {
    public func maskedForOwner() -> Customer360 {
        var copy = self
        copy.customer = customer.maskedForOwner()
        return copy
    }

    public func maskedForStaff() -> Customer360 {
        var copy = masking()
        copy.orders = orders.map { $0.maskedForStaff() }
        copy.bills = bills.map { $0.maskedForStaff() }
        return copy
    }
}

extension BusinessOrder: MaskedForStaff {
    public func maskedForStaff() -> BusinessOrder {
        var copy = self
        copy.summary = Masking.text(summary)
        return copy
    }
}

extension Bill: MaskedForStaff {
    public func maskedForStaff() -> Bill {
        var copy = self
        copy.items = items.map { item in
            var item = item
            item.description = Masking.text(item.description)
            return item
        }
        return copy
    }
}

extension ChatMessage: MaskedForStaff {
    public func maskedForStaff() -> ChatMessage {
        var copy = self
        copy.text = Masking.text(text)
        return copy
    }
}

extension Ticket: MaskedForStaff {
    public func maskedForStaff() -> Ticket {
        var copy = self
        copy.title = Masking.text(title)
        copy.fields = fields.mapValues { Masking.text($0) }
        copy.summary = summary.map { Masking.text($0) }
        return copy
    }
}

extension TicketEvent: MaskedForStaff {
    public func maskedForStaff() -> TicketEvent {
        var copy = self
        copy.text = text.map { Masking.text($0) }
        copy.fromValue = fromValue.map { Masking.text($0) }
        copy.toValue = toValue.map { Masking.text($0) }
        return copy
    }
}

extension AuditEntry: MaskedForStaff {
    public func maskedForStaff() -> AuditEntry {
        var copy = self
        copy.detail = detail.map { Masking.text($0) }
        copy.reason = reason.map { Masking.text($0) }
        return copy
    }
}

extension StaffNotification: MaskedForStaff {
    public func maskedForStaff() -> StaffNotification {
        var copy = self
        copy.text = Masking.text(text)
        return copy
    }
}

extension SurveyResponse: MaskedForStaff {
    public func maskedForStaff() -> SurveyResponse {
        var copy = self
        if case .service(let csat, let nps, let reason, let comment) = answer {
            copy.answer = .service(csat: csat, nps: nps, reason: reason, comment: comment.map { Masking.text($0) })
        }
        return copy
    }
}

/// A review's words are the customer's comment and what staff wrote about the contact, which may quote
/// the customer's numbers.
extension RatingReview: MaskedForStaff {
    public func maskedForStaff() -> RatingReview {
        var copy = self
        copy.comment = comment.map { Masking.text($0) }
        copy.finding?.action = Masking.text(finding?.action ?? "")
        copy.appeal?.text = Masking.text(appeal?.text ?? "")
        copy.decision?.note = Masking.text(decision?.note ?? "")
        return copy
    }
}

/// A check's reason may quote the chat (the customer's angry words, the business done) and QA's note
/// may too: both masked as the transcript is.
extension QAScore: MaskedForStaff {
    public func maskedForStaff() -> QAScore {
        var copy = self
        copy.items = items.map { item in
            var item = item
            item.reason = Masking.text(item.reason)
            return item
        }
        copy.adjustment?.note = Masking.text(adjustment?.note ?? "")
        return copy
    }
}
