"""Surveys as customers meet them on a phone: the bot's two buttons while it answers, the agent's
survey at the end of the chat (a low score asks why), and a resolved ticket rated later from the
account page. Every answer is checked against what QA reads from the API."""
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import api_call, customer_chat, customer_login, desk, phone_context, shot, staff_token

def _day(delta):
    return (datetime.now(timezone.utc) + timedelta(days=delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


PERIOD = f"from={_day(-1)}&to={_day(1)}"


def plain_customer(server, first, kind):
    """A non-VIP demo customer from `first` on with a line of `kind`, and their phone."""
    lead = staff_token(server, "lead")
    for n in range(first, first + 20):
        view = api_call(server, "GET", f"/api/v1/customers/cus-1000{n}/360", lead)
        if view["customer"]["vipLevel"] == 0 and any(s["kind"] == kind for s in view["subscriptions"]):
            phone = api_call(server, "POST", f"/api/v1/customers/{view['customer']['id']}/unmask", lead, {"reason": "测试评价"})["contactPhone"]
            return view, phone
    raise AssertionError("no such demo customer")


def answers_for(server, contact_id):
    return [a for a in api_call(server, "GET", f"/api/v1/quality/survey-responses?{PERIOD}", staff_token(server, "qa"))
            if a["contactId"] == contact_id]


def test_the_bot_and_the_agent_are_rated_apart_and_a_low_score_asks_why(server, browser):
    view, phone = plain_customer(server, 80, "mobile")
    context, customer = customer_chat(browser, server, phone, "手机业务")
    customer.get_by_label("消息").fill("我这个月的话费是多少")
    customer.get_by_role("button", name="发送", exact=True).click()
    rating = customer.locator(".bot-rating")
    expect(rating).to_be_visible()
    shot(customer, "survey-bot-buttons")
    rating.get_by_role("button", name="没帮助").click()
    expect(rating).to_have_text("感谢您的反馈！")

    customer.get_by_role("button", name="转人工").click()
    chat = api_call(server, "GET", f"/api/v1/transcripts?phone={phone}&limit=1", staff_token(server, "lead"))[0]
    agent_context, agent = desk(browser, server, "agent1")
    agent.locator(f"#chats li[data-id='{chat['id']}']").click()
    expect(customer.get_by_text("客服 K3001 很高兴为您服务")).to_be_visible()
    agent.get_by_label("回复").fill("本月话费已为您查到，请在账单中查看。")
    agent.get_by_role("button", name="发送", exact=True).click()
    agent.get_by_role("button", name="结束会话").click()

    survey = customer.locator(".survey")
    expect(survey).to_be_visible()
    survey.get_by_role("button", name="2分").click()
    expect(survey.get_by_text("哪里让您不满意？（必选）")).to_be_visible()
    survey.get_by_role("button", name="提交评价").click()
    expect(survey.get_by_role("alert")).to_have_text("请选择不满意的原因")
    survey.get_by_role("button", name="响应慢").click()
    survey.locator("[data-nps='6']").click()
    survey.get_by_label("评价内容").fill("排队太久")
    shot(customer, "survey-chat-low-score")
    survey.get_by_role("button", name="提交评价").click()
    expect(customer.get_by_text("感谢您的评价！").first).to_be_visible()
    expect(customer.get_by_text("本次会话已结束。")).to_be_visible()

    ids = {a["kind"]: a for a in answers_for(server, chat["id"])}
    assert ids["service"]["csat"] == 2 and ids["service"]["reason"] == "slow_response" and ids["service"]["nps"] == 6, ids
    assert ids["service"]["comment"] == "排队太久" and ids["service"]["agentId"] == "staff-agent1", ids
    assert ids["bot"]["helpful"] is False and "agentId" not in ids["bot"], ids
    for c in (context, agent_context):
        c.close()


def test_a_resolved_ticket_is_rated_from_the_account_page(server, browser):
    view, phone = plain_customer(server, 60, "broadband")
    customer_id = view["customer"]["id"]
    line = next(s for s in view["subscriptions"] if s["kind"] == "broadband")
    agent = staff_token(server, "agent2")
    created = api_call(server, "POST", "/api/v1/tickets", agent, {
        "type": "fault", "title": "宽带晚上经常掉线", "customerId": customer_id, "subscriptionId": line["id"],
        "fields": {"symptom": "晚上八点后频繁掉线", "stepsTaken": "重启过光猫", "resolutionStatus": "未解决"}})
    ticket = created["ticket"]
    for body in ({"action": "assign"}, {"action": "start"}, {"action": "resolve", "text": "更换分光器端口"}):
        api_call(server, "POST", f"/api/v1/tickets/{ticket['id']}/actions", agent, body)

    context = phone_context(browser)
    page = context.new_page()
    customer_login(page, server, phone)
    card = page.locator("#my-surveys")
    expect(card).to_be_visible()
    entry = card.locator("details").filter(has_text=ticket["number"])
    expect(entry).to_contain_text("客服 K3002")
    entry.locator("summary").click()
    entry.get_by_role("button", name="5分").click()
    expect(entry.get_by_text("哪里让您不满意？（必选）")).to_be_hidden()
    entry.locator("[data-nps='10']").click()
    shot(page, "survey-ticket-on-account-page")
    entry.get_by_role("button", name="提交评价").click()
    expect(entry.get_by_text("感谢您的评价！")).to_be_visible()

    answer, = answers_for(server, ticket["id"])
    assert answer["contactKind"] == "ticket" and answer["csat"] == 5 and answer["nps"] == 10 and answer["agentId"] == "staff-agent2", answer
    # Answered: the card is gone on the next visit.
    page.reload()
    expect(page.locator("#my-tickets")).to_be_visible()
    expect(card).to_be_hidden()
    context.close()
