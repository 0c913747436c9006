"""质检评分 as the people who use it: a chat agent1 answered and ended is scored; QA reads the period's
figures (the API's), opens the score beside its transcript and adjusts it with a note; the agent sees
their own on a phone without the form; an admin publishes a new version of the rules."""
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import api_call, phone_context, rated_chat, shot, staff_page, staff_token


def period_query():
    now = datetime.now(timezone.utc)
    return "from=%s&to=%s" % ((now - timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ"), (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))


def test_a_chat_is_scored_and_qa_adjusts_it(server, browser):
    chat_id = rated_chat(server, browser, 5, among=range(159, 140, -1))
    qa_token = staff_token(server, "qa")
    score = api_call(server, "GET", f"/api/v1/qa/scores/{chat_id}", qa_token)
    assert score["agent"]["agentNo"] == "K3001" and score["rulesVersion"] >= 1, score

    context, qa = staff_page(browser, server, "qa", "/qa/")
    item = qa.locator(f"#scores li[data-id='{chat_id}']")
    expect(item).to_contain_text(f"{score['final']} 分")
    expect(item).to_contain_text("张小雨（K3001）")
    # The figures are the API's over the same week the page shows (its 近7天 lies inside the query's span
    # only if every score is this session's, which they are: the browser tests write no history).
    listing = api_call(server, "GET", "/api/v1/qa/scores?" + period_query(), qa_token)
    expect(qa.locator("[data-kpi=已评会话] .kpi-value")).to_have_text(str(listing["summary"]["count"]))
    expect(qa.locator("[data-kpi=平均分] .kpi-value")).to_have_text(qa.evaluate("(x) => x.toFixed(1)", listing["summary"]["average"]))
    greeting = next(c for c in listing["summary"]["checks"] if c["check"] == "greeting")
    expect(qa.locator("#checks-chart [data-check=greeting]")).to_contain_text(f"{greeting['passed']}/{greeting['applicable']}")
    item.click()
    for entry in score["items"]:
        row = qa.locator(f"#items tr[data-check={entry['check']}]")
        expect(row).to_contain_text(entry["reason"])
    expect(qa.locator("#detail .chat-log")).to_contain_text("您好，请问有什么可以帮您？")
    shot(qa, "qa-score-open")
    # A note is required, on the page before the server.
    qa.get_by_label("调整后分数").fill("96")
    qa.get_by_role("button", name="保存调整").click()
    expect(qa.get_by_text("请填写调整原因")).to_be_visible()
    qa.get_by_label("调整原因").fill("客户问题已在会话中解决，解决方案项人工认定")
    qa.get_by_role("button", name="保存调整").click()
    expect(qa.get_by_role("region", name="评分", exact=True)).to_contain_text("客户问题已在会话中解决")
    expect(item).to_contain_text("96 分")
    expect(item).to_contain_text("已调整")
    context.close()
    stored = api_call(server, "GET", f"/api/v1/qa/scores/{chat_id}", qa_token)
    assert stored["final"] == 96 and stored["adjustment"]["by"]["name"] == "李质检", stored

    # The agent, on a phone: their own score, no form to change it.
    phone = phone_context(browser)
    phone.add_cookies([{"name": "kefu_session", "value": staff_token(server, "agent1"), "url": server.url}])
    agent = phone.new_page()
    agent.goto(server.url + f"/qa/?id={chat_id}")
    expect(agent.get_by_role("heading", name="我的质检评分")).to_be_visible()
    expect(agent.get_by_role("region", name="评分", exact=True)).to_contain_text("96 分")
    expect(agent.get_by_role("region", name="质检调整")).to_have_count(0)
    # Opened from its link, before the list: the checks have their names, not their keys.
    expect(agent.locator("#items tr[data-check=greeting]")).to_contain_text("问候语含工号")
    shot(agent, "qa-agent-phone")
    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.close()


def test_an_admin_publishes_a_new_version_of_the_rules(server, browser):
    context, admin = staff_page(browser, server, "admin", "/qa/?view=rules")
    expect(admin.get_by_role("heading", name="现行规则（第 1 版）")).to_be_visible()
    form = admin.get_by_role("region", name="发布新版本")
    # Points that do not add up to 100 are said at once, and the server refuses them by field.
    form.locator("input[data-check=first_response]").fill("25")
    expect(form).to_contain_text("合计 110 分（须为 100）")
    form.get_by_label("修改说明").fill("首次响应加权")
    form.get_by_role("button", name="发布新版本").click()
    expect(form.locator(".error")).to_contain_text("各项分值合计须为 100")
    form.locator("input[data-check=solution]").fill("10")
    form.get_by_label("首次响应（秒）").fill("20")
    form.get_by_role("button", name="发布新版本").click()
    expect(admin.get_by_role("heading", name="现行规则（第 2 版）")).to_be_visible()
    expect(admin.locator("#rules-items tr[data-check=first_response]")).to_contain_text("接入后 20 秒内首次回复")
    expect(admin.get_by_role("region", name="历史版本")).to_contain_text("第 1 版")
    shot(admin, "qa-rules-admin")
    context.close()
    rules = api_call(server, "GET", "/api/v1/qa/rules", staff_token(server, "qa"))
    assert [v["version"] for v in rules["versions"]][:2] == [2, 1] and rules["versions"][0]["firstResponseSeconds"] == 20, rules
    # QA reads the rules but has no form.
    context, qa = staff_page(browser, server, "qa", "/qa/?view=rules")
    expect(qa.get_by_role("heading", name="现行规则（第 2 版）")).to_be_visible()
    expect(qa.get_by_role("region", name="发布新版本")).to_have_count(0)
    context.close()
