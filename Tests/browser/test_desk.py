"""The desk keeps its place as an agent with several chats expects: what was read stays read across a
reload, 待回复 starts with the customer's first unanswered message to the agent (not the bot), the newest
message is in view, a marker tells of new ones while reading back, and a refused message is not lost."""
from playwright.sync_api import expect

from conftest import api_call, customer_chat, desk, shot, staff_token

AT_BOTTOM = "(() => { const l = document.querySelector('#chat-log'); return l.scrollHeight - l.scrollTop - l.clientHeight < 40; })()"


def test_the_desk_keeps_its_place(server, browser):
    lead = staff_token(server, "lead")
    phone = api_call(server, "POST", "/api/v1/customers/cus-100009/unmask", lead, {"reason": "测试坐席"})["contactPhone"]
    context, customer = customer_chat(browser, server, phone, "手机业务")
    for text in ["我的流量还剩多少", "人工"]:
        customer.get_by_label("消息").fill(text)
        customer.get_by_role("button", name="发送", exact=True).click()
        expect(customer.locator(".bubble.mine").filter(has_text=text)).to_be_visible()

    agent_context, agent = desk(browser, server, "agent1")
    item = agent.locator("#chats li[data-id]").first
    expect(item).to_be_visible()
    # What the customer told the bot is history: the chat does not arrive already waiting or unread.
    expect(item.locator(".waiting")).to_have_text("")
    expect(item.locator(".unread")).to_have_count(0)

    for n in range(1, 4):
        customer.get_by_label("消息").fill(f"第{n}个问题")
        customer.get_by_role("button", name="发送", exact=True).click()
    expect(item.locator(".unread")).to_have_text("3")
    expect(item.locator(".waiting")).to_contain_text("待回复")
    badge = item.locator(".unread").bounding_box()
    assert badge["width"] < 40, badge  # a small count, not a long red bar

    # A reload keeps what is unread unread, and what is read read.
    agent.reload()
    item = agent.locator("#chats li[data-id]").first
    expect(item.locator(".unread")).to_have_text("3")
    item.click()
    expect(agent.locator("#chat-log").get_by_text("第3个问题")).to_be_visible()
    expect(item.locator(".unread")).to_have_count(0)
    agent.wait_for_timeout(300)  # the customer's record and the suggested answers load beside it
    assert agent.evaluate(AT_BOTTOM)
    agent.reload()
    expect(agent.locator("#chats li[data-id]").first).to_be_visible()
    expect(agent.locator("#chats li[data-id] .unread")).to_have_count(0)

    # A message refused for a forbidden word comes back to the input with the word selected.
    agent.locator("#chats li[data-id]").first.click()
    agent.get_by_label("回复").fill("这个我也不知道，稍等")
    agent.get_by_role("button", name="发送", exact=True).click()
    expect(agent.locator("#chat-error")).to_contain_text("禁用词")
    expect(agent.get_by_label("回复")).to_have_value("这个我也不知道，稍等")
    assert agent.evaluate("(() => { const i = document.querySelector('#chat-input'); return i.value.slice(i.selectionStart, i.selectionEnd); })()") == "不知道"

    # Reading back, new messages do not pull the log away: a marker says they came.
    agent.get_by_label("回复").fill("")
    for n in range(12):
        agent.get_by_label("回复").fill(f"请您稍等，正在核对第{n + 1}项")
        agent.get_by_role("button", name="发送", exact=True).click()
    expect(agent.locator("#chat-log").get_by_text("正在核对第12项")).to_be_visible()
    assert agent.evaluate(AT_BOTTOM)
    agent.locator("#chat-log").hover()
    agent.mouse.wheel(0, -3000)
    agent.wait_for_timeout(300)
    customer.get_by_label("消息").fill("好的我等着")
    customer.get_by_role("button", name="发送", exact=True).click()
    marker = agent.get_by_role("button", name="有新消息 ↓")
    expect(marker).to_be_visible()
    assert not agent.evaluate(AT_BOTTOM)
    shot(agent, "desk-new-messages-marker")
    marker.click()
    expect(marker).to_be_hidden()
    assert agent.evaluate(AT_BOTTOM)
    agent.get_by_role("button", name="结束会话").click()
    expect(customer.get_by_text("请对本次服务进行评价")).to_be_visible()

    for c in (context, agent_context):
        c.close()
