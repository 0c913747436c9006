"""Every page as each of its users sees it, read for what no user should meet: null, undefined, NaN,
internal ids (staff-…, cus-…, tk-…, conv-…, UUIDs, SHA-256 keys) and raw field keys."""
from playwright.sync_api import expect

from conftest import api_call, customer_chat, leaks, staff_page, staff_token


def test_no_page_shows_internals(server, browser):
    problems = {}
    lead = staff_token(server, "lead")
    phone = api_call(server, "POST", "/api/v1/customers/cus-100011/unmask", lead, {"reason": "页面检查"})["contactPhone"]
    # A ticket the customer and the ticket centre both show, worked by a named agent.
    created = api_call(server, "POST", "/api/v1/tickets", staff_token(server, "agent1"), {
        "type": "fault", "title": "家里宽带断网", "customerId": "cus-100011",
        "fields": {"symptom": "光猫LOS灯红", "stepsTaken": "重启过光猫", "resolutionStatus": "未解决"}})
    api_call(server, "POST", f"/api/v1/tickets/{created['ticket']['id']}/actions", lead, {"action": "assign", "assigneeId": "staff-agent1"})

    # The customer: their own page with the chat open, and a ticket's detail.
    context, customer = customer_chat(browser, server, phone, "手机业务")
    problems["customer chat"] = leaks(customer)
    customer.get_by_role("button", name="关闭").click()
    customer.locator("#my-tickets summary").first.click()
    expect(customer.locator("#my-tickets .history")).to_be_visible()
    problems["customer ticket"] = leaks(customer)
    customer.get_by_role("button", name="报障 / 投诉").click()
    problems["customer home"] = leaks(customer)
    context.close()

    # Staff: the desk with a customer open, the ticket centre with a ticket open, every console tab.
    for username in ["agent1", "lead", "admin", "qa"]:
        context, page = staff_page(browser, server, username, "/agent/")
        if username in ("agent1", "lead"):
            expect(page.get_by_role("heading", name="我的会话")).to_be_visible()
            page.get_by_placeholder("手机号 / 证件号 / 姓名").fill(phone)
            page.get_by_role("button", name="查询").click()
            page.locator("#results li[data-id]").first.click()
            expect(page.locator("#customer h2").first).to_be_visible()
            problems[f"{username} desk"] = leaks(page)
        page.goto(server.url + "/tickets/")
        first = page.locator("#tickets li[data-id]").first
        if first.count():
            first.click()
            expect(page.locator("#detail .card").first).to_be_visible()
        problems[f"{username} tickets"] = leaks(page)
        page.goto(server.url + "/admin/")
        for tab in page.locator("[role=tab]").all():
            tab.click()
            page.wait_for_timeout(150)
            name = tab.inner_text()
            if "transcripts" == tab.get_attribute("data-tab"):
                page.get_by_role("button", name="查询").click()
                item = page.locator("[data-panel=transcripts] li[tabindex]").first
                if item.count():
                    item.click()
            problems[f"{username} admin {name}"] = leaks(page)
        if username != "agent1":
            page.goto(server.url + "/quality/")
            expect(page.locator("#kpis .kpi").first).to_be_visible()
            problems[f"{username} quality"] = leaks(page)
        page.goto(server.url + "/reviews/")
        expect(page.locator("#tabs [role=tab]").first).to_be_visible()
        first = page.locator("#reviews li[data-id]").first
        if first.count():
            first.click()
            expect(page.locator("#detail .card").first).to_be_visible()
        problems[f"{username} reviews"] = leaks(page)
        page.goto(server.url + "/qa/")
        expect(page.locator("#kpis .kpi").first).to_be_visible()
        first = page.locator("#scores li[data-id]").first
        if first.count():
            first.click()
            expect(page.locator("#items")).to_be_visible()
        problems[f"{username} qa scores"] = leaks(page)
        page.locator("#views [data-view=rules]").click()
        expect(page.locator("#rules-items")).to_be_visible()
        problems[f"{username} qa rules"] = leaks(page)
        if username != "agent1":
            page.goto(server.url + "/topics/")
            expect(page.locator("#frequent").first).to_be_visible()
            page.wait_for_timeout(300)
            first = page.locator("#frequent [data-keyword]").first
            if first.count():
                first.click()
            problems[f"{username} topics"] = leaks(page)
        if username in ("lead", "admin"):
            # The customer's chat above is still with the bot: the wallboard lists it.
            page.goto(server.url + "/wallboard/")
            expect(page.locator("#live")).to_have_text("实时 · 已连接")
            expect(page.locator("#chats tbody tr[data-chat]").first).to_be_visible()
            expect(page.locator("#figures-at")).not_to_be_empty(timeout=15000)
            problems[f"{username} wallboard"] = leaks(page)
        context.close()

    found = {where: what for where, what in problems.items() if what}
    assert not found, "\n".join(f"{where}: {what}" for where, what in found.items())
