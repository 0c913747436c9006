"""The wallboard as a team lead runs the floor with it: a chat is seen from the queue to its end as a
customer and an agent go through it, live and without a reload, and every figure of record is the KPI
API's for the same period; agents are told they may not watch; a phone reads it without scrolling sideways."""
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import api_call, customer_chat, desk, phone_context, shot, staff_page, staff_token


def pct(x):
    return "—" if x is None else f"{x * 100:.1f}%"


def china_days(back, ahead=1):
    """China midnight `back` days before today to midnight `ahead` days after today, as the API reads instants."""
    china = timezone(timedelta(hours=8))
    today = datetime.now(china).replace(hour=0, minute=0, second=0, microsecond=0)
    z = lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return z(today - timedelta(days=back)), z(today + timedelta(days=ahead))


def test_the_wallboard_follows_a_chat_and_agrees_with_the_api(server, browser):
    lead = staff_token(server, "lead")
    for n in range(139, 120, -1):
        view = api_call(server, "GET", f"/api/v1/customers/cus-100{n}/360", lead)
        if view["customer"]["vipLevel"] == 0:
            break
    phone = api_call(server, "POST", f"/api/v1/customers/{view['customer']['id']}/unmask", lead, {"reason": "测试监控"})["contactPhone"]
    wall_context, wall = staff_page(browser, server, "lead", "/wallboard/")
    expect(wall.locator("#live")).to_have_text("实时 · 已连接")

    # Nobody on the desk: the customer waits in the mobile queue, and the wall counts the wait up.
    context, customer = customer_chat(browser, server, phone, "手机业务")
    customer.get_by_role("button", name="转人工").click()
    chat = api_call(server, "GET", f"/api/v1/transcripts?phone={phone}&limit=1", lead)[0]
    row = wall.locator(f"#chats tr[data-chat='{chat['id']}']")
    expect(row).to_contain_text("排队中")
    expect(row).to_contain_text("移动")
    mobile = wall.locator("#queues [data-skill='mobile']")
    expect(mobile.locator("[data-figure='queued']")).not_to_have_text("0")
    first = row.locator("td[data-label='等待']").text_content()
    wall.wait_for_timeout(2100)
    assert row.locator("td[data-label='等待']").text_content() != first, "the wait does not count up"

    # An agent opens the desk: the chat is theirs, and the agent is online with one chat.
    agent_context, agent = desk(browser, server, "agent1")
    expect(row).to_contain_text("接待中")
    expect(row).to_contain_text("K3001")
    line = wall.locator("#agents [data-agent='K3001']")
    expect(line).to_contain_text("在线")
    # Their load is the chats the wall shows them holding (earlier tests may have left one with them).
    held = wall.locator("#chats tbody tr").filter(has_text="接待中").filter(has_text="K3001")
    expect(line.locator("[data-figure='load']")).to_have_text(re.compile(rf"^{held.count()}/\d+$"))
    assert held.count() >= 1
    # The customer is upset: the mood and the words show at once, and how long they wait for a reply.
    customer.get_by_label("消息").fill("怎么还没人回复！！！我的话费被乱扣了")
    customer.get_by_role("button", name="发送", exact=True).click()
    expect(row).to_contain_text("激动")
    expect(row.locator(".excerpt")).to_have_text("怎么还没人回复！！！我的话费被乱扣了")
    expect(row.locator("td[data-label='未回复']")).not_to_have_text("—")
    agent.locator(f"#chats li[data-id='{chat['id']}']").click()
    agent.get_by_label("回复").fill("非常抱歉，马上为您核实扣费")
    agent.get_by_role("button", name="发送", exact=True).click()
    expect(row.locator("td[data-label='未回复']")).to_have_text("—")
    shot(wall, "wallboard-with-a-chat")

    # The lead opens the chat read-only: its history, then what is said, live; a whisper reaches the
    # agent's desk marked as one, and never the customer.
    row.get_by_role("button", name="查看").click()
    dialog = wall.locator("#watch")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#watch-state")).to_contain_text("K3001")
    expect(dialog.locator("#watch-log")).to_contain_text("非常抱歉，马上为您核实扣费")
    expect(dialog.locator("#watch-log")).to_contain_text("正在查看本会话")
    expect(agent.locator(".bubble.note").filter(has_text="正在查看本会话")).to_contain_text("班长监控")
    customer.get_by_label("消息").fill("好的，我等着")
    customer.get_by_role("button", name="发送", exact=True).click()
    expect(dialog.locator("#watch-log .bubble.customer").last).to_contain_text("好的，我等着")
    dialog.get_by_label("悄悄话").fill("先查本月增值业务扣费明细")
    dialog.get_by_role("button", name="发送悄悄话").click()
    expect(dialog.get_by_label("悄悄话")).to_have_value("")
    whisper = agent.locator(".bubble.note").filter(has_text="先查本月增值业务扣费明细")
    expect(whisper).to_contain_text("悄悄话 · 仅员工可见")
    expect(dialog.locator("#watch-log")).to_contain_text("先查本月增值业务扣费明细")
    shot(wall, "wallboard-watching")
    shot(agent, "desk-with-a-whisper")
    customer.wait_for_timeout(500)
    assert "先查本月增值业务扣费明细" not in customer.locator("body").inner_text()
    assert "正在查看" not in customer.locator("body").inner_text()

    # The lead takes the chat over from their own desk: the agent reads along, read-only; the lead
    # answers; handed back, the agent writes again.
    lead_desk_context, lead_desk = desk(browser, server, "lead")
    dialog.get_by_role("button", name="接管").click()
    expect(dialog.locator("#watch-state")).to_contain_text("由您接管")
    expect(agent.locator("#chat-state")).to_have_text("已由 L1001 王班长 接管 · 只读")
    expect(agent.locator("#chat-input")).to_be_disabled()
    expect(customer.get_by_text("客服 L1001 为您继续服务。")).to_be_visible()
    lead_desk.locator(f"#chats li[data-id='{chat['id']}']").click()
    lead_desk.get_by_label("回复").fill("您好，我是班长，这笔扣费我来跟进")
    lead_desk.get_by_role("button", name="发送", exact=True).click()
    expect(customer.get_by_text("您好，我是班长，这笔扣费我来跟进")).to_be_visible()
    expect(agent.locator("#chat-log")).to_contain_text("您好，我是班长，这笔扣费我来跟进")
    shot(agent, "desk-taken-over")
    dialog.get_by_role("button", name="交还客服").click()
    expect(customer.get_by_text("客服 K3001 继续为您服务。")).to_be_visible()
    expect(agent.locator("#chat-input")).to_be_enabled()
    expect(agent.locator("#chat-state")).to_have_text("接待中")
    expect(lead_desk.locator(f"#chats li[data-id='{chat['id']}']")).to_have_count(0)
    lead_desk_context.close()
    dialog.get_by_role("button", name="关闭").click()
    expect(dialog).to_be_hidden()
    agent.get_by_role("button", name="结束会话").click()
    expect(row).to_contain_text("待评价")
    customer.get_by_role("button", name="5分").click()
    customer.get_by_role("button", name="提交评价").click()
    expect(row).to_have_count(0)

    # The figures of record are the report's for today (China time) and for the 30 days up to today.
    today_from, today_to = china_days(0)
    month_from, _ = china_days(29)
    def agrees():
        today = api_call(server, "GET", f"/api/v1/quality/report?from={today_from}&to={today_to}", lead)["total"]
        month = api_call(server, "GET", f"/api/v1/quality/report?from={month_from}&to={today_to}", lead)["total"]
        handovers = sum(r["chats"] for r in today["chats"]["handovers"])
        want = {
            "今日30秒首响率": pct(today["chats"].get("shareWithin30s")),
            "今日满意度 CSAT": pct(today["surveys"].get("csat")),
            "首次解决率 FCR": pct(month["surveys"].get("firstContactResolution")),
            "今日 SLA 超时": str(today["tickets"]["breached"]),
            "今日转人工率": pct(handovers / today["chats"]["chats"] if today["chats"]["chats"] else None),
        }
        shown = {k: wall.locator(f"[data-kpi='{k}'] .kpi-value").text_content() for k in want}
        return shown == want, (shown, want, today["surveys"]["answered"])
    # The figures follow a change within seconds; the rating above must be among them.
    deadline = 20
    ok, seen = agrees()
    while not ok and deadline > 0:
        wall.wait_for_timeout(1000)
        deadline -= 1
        ok, seen = agrees()
    assert ok, seen
    assert seen[2] >= 1, seen
    buckets = api_call(server, "GET", f"/api/v1/quality/report?from={today_from}&to={today_to}", lead)["total"]["chats"]["firstResponseBuckets"]
    for key, n in buckets.items():
        expect(wall.locator(f"#frt-chart [data-bucket='{key}']")).to_have_text(str(n))
    expect(wall.locator("#csat-chart svg")).to_be_visible()
    expect(wall.locator("#hour-chart svg")).to_be_visible()
    shot(wall, "wallboard")
    for c in (context, agent_context, wall_context):
        c.close()


def test_agents_are_told_the_wallboard_is_for_leads_and_a_phone_reads_it(server, browser):
    context, page = staff_page(browser, server, "agent1", "/wallboard/")
    expect(page.get_by_text("实时监控需要班长或管理员权限。")).to_be_visible()
    # The staff pages link the wallboard only for those who may open it.
    page.goto(server.url + "/tickets/")
    expect(page.locator("nav a[href='/wallboard/']")).to_be_hidden()
    context.close()

    phone = phone_context(browser)
    phone.add_cookies([{"name": "kefu_session", "value": staff_token(server, "lead"), "url": server.url}])
    page = phone.new_page()
    page.goto(server.url + "/tickets/")
    page.locator("nav a[href='/wallboard/']").click()
    expect(page.locator("#live")).to_have_text("实时 · 已连接")
    expect(page.locator("#queues [data-skill='vip']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "wallboard-phone")
    phone.close()
