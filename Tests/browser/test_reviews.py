"""差评复盘 as the people who use it: a customer's 1 opens a task; QA reads it with the transcript and
the customer's record and records the finding; the agent sees it and appeals; the team lead decides.
Every count and word on the page is the API's."""
from playwright.sync_api import expect

from conftest import api_call, phone_context, rated_chat, shot, staff_page, staff_token


def test_a_negative_rating_is_reviewed_appealed_and_decided(server, browser):
    chat_id = rated_chat(server, browser, 1, reason="响应慢", among=range(179, 160, -1))
    qa_token = staff_token(server, "qa")
    queue = api_call(server, "GET", "/api/v1/reviews?tab=open", qa_token)
    review = next(r for r in queue["items"] if r["contactId"] == chat_id)

    # QA: the queue with its counts, the task with the customer's words, the transcript, the record.
    context, qa = staff_page(browser, server, "qa", "/reviews/")
    expect(qa.locator("#tabs [data-tab=open]")).to_contain_text(str(queue["counts"]["open"]))
    item = qa.locator(f"#reviews li[data-id='{review['id']}']")
    expect(item).to_contain_text("1 分")
    expect(item).to_contain_text("响应慢")
    expect(item).to_contain_text("张小雨（K3001）")
    expect(item).to_contain_text("剩余")
    # One agent's tasks: agent2's list does not hold agent1's.
    qa.get_by_label("按客服筛选").select_option(label="K3002 陈宽")
    expect(item).to_have_count(0)
    qa.get_by_label("按客服筛选").select_option(label="K3001 张小雨")
    item.click()
    expect(qa.get_by_text("等了很久，问题也没解决").first).to_be_visible()
    expect(qa.locator("#detail .chat-log")).to_contain_text("您好，请问有什么可以帮您？")
    expect(qa.get_by_role("region", name="客户概况")).to_be_visible()
    shot(qa, "review-qa-open")
    # An empty action is refused on the page, before the server.
    qa.get_by_role("button", name="提交结论").click()
    expect(qa.get_by_text("请填写内容")).to_be_visible()
    qa.get_by_label("原因归属").select_option("agent")
    qa.get_by_label("处理措施").fill("已对坐席进行首响话术辅导")
    qa.get_by_label("已回访客户").check()
    qa.get_by_role("button", name="提交结论").click()
    finding = qa.get_by_role("region", name="复盘结论")
    expect(finding).to_contain_text("坐席服务")
    expect(finding).to_contain_text("已回访")
    expect(finding).to_contain_text("李质检")
    expect(qa.get_by_role("button", name="提交结论")).to_have_count(0)
    context.close()
    stored = api_call(server, "GET", f"/api/v1/reviews/{review['id']}", qa_token)
    assert stored["status"] == "concluded" and stored["finding"]["action"] == "已对坐席进行首响话术辅导", stored

    # The agent, on a phone: their own reviews, the finding, the appeal.
    phone = phone_context(browser)
    phone.add_cookies([{"name": "kefu_session", "value": staff_token(server, "agent1"), "url": server.url}])
    agent = phone.new_page()
    agent.goto(server.url + "/reviews/?tab=concluded")
    expect(agent.get_by_role("heading", name="我的差评复盘")).to_be_visible()
    # The nav tells the agent a finding waits for them.
    expect(agent.locator('nav a[href="/reviews/"] .unread')).to_have_text("1")
    agent.locator(f"#reviews li[data-id='{review['id']}']").click()
    expect(agent.get_by_role("region", name="复盘结论")).to_contain_text("坐席服务")
    agent.get_by_label("申诉理由").fill("客户排队时系统故障，首响延迟非本人原因")
    shot(agent, "review-agent-appeal-phone")
    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    agent.get_by_role("button", name="提交申诉").click()
    expect(agent.get_by_role("region", name="申诉与裁定")).to_contain_text("等待班长裁定")
    expect(agent.get_by_role("button", name="提交申诉")).to_have_count(0)
    phone.close()

    # The team lead decides.
    context, lead = staff_page(browser, server, "lead", "/reviews/?tab=appealed")
    lead.locator(f"#reviews li[data-id='{review['id']}']").click()
    expect(lead.get_by_role("region", name="申诉与裁定")).to_contain_text("客户排队时系统故障")
    lead.get_by_label("撤销原结论").check()
    lead.get_by_label("裁定说明").fill("核实当时排队系统故障，撤销")
    lead.get_by_role("button", name="提交裁定").click()
    expect(lead.get_by_role("region", name="申诉与裁定")).to_contain_text("撤销原结论")
    counts = api_call(server, "GET", "/api/v1/reviews?tab=decided", staff_token(server, "lead"))["counts"]
    expect(lead.locator("#tabs [data-tab=decided]")).to_contain_text(str(counts["decided"]))
    shot(lead, "review-lead-decided")
    context.close()
