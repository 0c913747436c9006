"""The live chat as its two users meet it: a customer on a phone and agents at their desks, in
separate browser contexts, through queue, assignment, both directions, a forbidden word, a transfer,
the end of the chat and the survey."""
from playwright.sync_api import expect

from conftest import customer_chat, desk, shot, staff_token

CUSTOMER_PHONE = "18600186002"


def test_customer_and_agents_go_through_a_whole_chat(server, browser):
    # The customer logs in on a phone and opens the chat. ("不知道", used below, is a demo forbidden word.)
    customer_context, customer = customer_chat(browser, server, CUSTOMER_PHONE, "手机业务")
    expect(customer.get_by_text("欢迎来到在线客服")).to_be_visible()
    customer.get_by_role("button", name="转人工").click()
    # Nobody of the group is at a desk yet: said at once, with no wait promised.
    expect(customer.locator(".chat-banner")).to_have_text("当前暂无客服在线，可以留言或继续等待")
    shot(customer, "chat-customer-queued")

    # An agent comes online and gets the chat with a greeting that names the agent number.
    agent_context, agent = desk(browser, server, "agent1")
    agent.locator("#chats li[data-id]").first.click()
    expect(customer.get_by_text("客服 K3001 很高兴为您服务")).to_be_visible()
    expect(agent.get_by_text("客服 K3001 很高兴为您服务")).to_be_visible()
    # The desk shows its load from the start, not only after a status change.
    expect(agent.locator("#load")).to_have_text("接待 1/5")

    customer.get_by_label("消息").fill("我的话费为什么这么高？<b>急</b>")
    customer.get_by_role("button", name="发送", exact=True).click()
    expect(agent.get_by_text("我的话费为什么这么高？<b>急</b>")).to_be_visible()

    # The forbidden word is flagged while typing and refused by the server.
    agent.get_by_label("回复").fill("这个我也不知道")
    expect(agent.locator("#forbidden-warning")).to_contain_text("我帮您查询一下")
    agent.get_by_role("button", name="发送", exact=True).click()
    expect(agent.locator("#chat-error")).to_contain_text("禁用词")
    expect(customer.get_by_text("这个我也不知道")).to_have_count(0)

    # An agent's note to colleagues is on the desk only, marked so.
    agent.get_by_label("内部备注").check()
    agent.get_by_label("回复").fill("客户情绪较急，先核对本月账单")
    agent.get_by_role("button", name="发送", exact=True).click()
    expect(agent.locator(".bubble.note").filter(has_text="客户情绪较急")).to_contain_text("仅客服可见")
    expect(agent.get_by_label("内部备注")).not_to_be_checked()

    agent.get_by_label("回复").fill("您好，我帮您查询一下本月账单。")
    agent.get_by_role("button", name="发送", exact=True).click()
    expect(customer.get_by_text("我帮您查询一下本月账单")).to_be_visible()
    expect(customer.get_by_text("客户情绪较急")).to_have_count(0)
    expect(agent.locator("#customer").get_by_role("heading", name="近期账单")).to_be_visible()
    shot(agent, "chat-agent-desk")

    # Transfer to the billing group, where agent3 is waiting.
    other_context, other = desk(browser, server, "agent3")
    agent.get_by_label("转接至").select_option("billing")
    agent.get_by_role("button", name="转接").click()
    expect(customer.get_by_text("会话已转接至账务")).to_be_visible()
    expect(agent.locator("#load")).to_have_text("接待 0/5")
    expect(customer.get_by_text("客服 K3003 很高兴为您服务")).to_be_visible()
    other.locator("#chats li[data-id]").first.click()
    # The history came along.
    expect(other.get_by_text("我的话费为什么这么高？<b>急</b>")).to_be_visible()
    other.get_by_label("回复").fill("已为您核对，账单无误。")
    other.get_by_role("button", name="发送", exact=True).click()
    expect(customer.get_by_text("已为您核对，账单无误。")).to_be_visible()

    # End of the chat, closing phrase and survey.
    other.get_by_role("button", name="结束会话").click()
    expect(customer.get_by_text("祝您生活愉快")).to_be_visible()
    customer.get_by_role("button", name="5分").click()
    customer.get_by_placeholder("还有什么想说的？（选填）").fill("很满意")
    customer.get_by_role("button", name="提交评价").click()
    expect(customer.get_by_text("感谢您的评价！")).to_be_visible()
    expect(customer.get_by_text("本次会话已结束。")).to_be_visible()
    shot(customer, "chat-customer-rated")
    assert customer.evaluate("document.querySelector('.chat-log b')") is None

    for context in (customer_context, agent_context, other_context):
        context.close()


def test_widget_reconnects_without_gap_or_duplicate(server, browser):
    import json
    import urllib.request

    def call(method, path, token=None, body=None):
        request = urllib.request.Request(server.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                         headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")

    lead = staff_token(server, "lead")
    phone = call("POST", "/api/v1/customers/cus-100005/unmask", lead, {"reason": "测试重连"})["contactPhone"]

    context, customer = customer_chat(browser, server, phone, "宽带/电视")
    customer.get_by_label("消息").fill("人工")
    customer.get_by_role("button", name="发送", exact=True).click()
    agent_context, agent = desk(browser, server, "agent2")
    expect(customer.get_by_text("客服 K3002 很高兴为您服务")).to_be_visible()
    agent.locator("#chats li[data-id]").first.click()

    # Cut the customer's connection and talk while it is down.
    customer.evaluate("window.kefuChat.socket.close()")
    for n in range(3):
        agent.get_by_label("回复").fill(f"断线期间的第{n + 1}条")
        agent.get_by_role("button", name="发送", exact=True).click()
    customer.get_by_label("消息").fill("我回来了")
    customer.get_by_role("button", name="发送", exact=True).click()
    expect(customer.get_by_text("断线期间的第3条")).to_be_visible()
    expect(agent.locator("#chat-log").get_by_text("我回来了")).to_be_visible()
    # A picture goes through as an attachment and shows on both sides.
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")
    customer.locator("input[type=file]").set_input_files(files=[{"name": "photo.png", "mimeType": "text/plain", "buffer": png}])
    expect(agent.locator(".chat-log img")).to_have_count(1)
    expect(customer.locator(".chat-log img")).to_have_count(1)
    agent.wait_for_function("document.querySelector('.chat-log img').naturalWidth === 1")
    # No gap and no repeat: the desk has every number; the customer all but the staff-only ones (the
    # bot's hand-over summary after "人工").
    numbers = "[...document.querySelectorAll('.chat-log .bubble[data-seq]%s')].map(e => Number(e.dataset.seq))"
    everything = agent.evaluate(numbers % "")
    notes = agent.evaluate(numbers % ".note")
    assert everything == list(range(1, len(everything) + 1)) and notes, (everything, notes)
    seqs = customer.evaluate(numbers % "")
    assert seqs == [n for n in everything if n not in notes], (seqs, everything, notes)
    assert customer.locator(".chat-log .bubble.pending").count() == 0
    assert customer.get_by_text("我回来了").count() == 1
    context.close()
    agent_context.close()
