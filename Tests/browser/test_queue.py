"""Waiting for a person as a customer on a phone meets it: the group they chose is the one they wait for,
nobody online is said at once with no promised wait, and a message with a call-back number replaces the wait."""
from playwright.sync_api import expect

from conftest import api_call, customer_chat, desk, shot, staff_token


def test_nobody_online_is_told_and_a_message_replaces_the_wait(server, browser):
    lead = staff_token(server, "lead")
    phone = api_call(server, "POST", "/api/v1/customers/cus-100007/unmask", lead, {"reason": "测试留言"})["contactPhone"]
    # The team lead is at the desk, with every skill: a lead does not take customers unless set to.
    lead_context, lead_desk = desk(browser, server, "lead")
    context, customer = customer_chat(browser, server, phone, "宽带/电视")
    # A billing question does not move a customer who chose broadband to the billing queue.
    customer.get_by_label("消息").fill("这个月话费怎么这么贵")
    customer.get_by_role("button", name="发送", exact=True).click()
    expect(customer.locator(".bubble").filter(has_text="这个月话费怎么这么贵")).to_be_visible()
    customer.get_by_role("button", name="转人工").click()
    expect(customer.get_by_text("正在为您转接人工客服（宽带业务）")).to_be_visible()
    expect(customer.get_by_text("当前宽带业务暂无客服在线")).to_be_visible()
    banner = customer.locator(".chat-banner")
    expect(banner).to_have_text("当前暂无客服在线，可以留言或继续等待")
    expect(banner).not_to_contain_text("0 位")
    expect(customer.get_by_text("转接摘要")).to_have_count(0)
    shot(customer, "queue-nobody-online")

    customer.get_by_role("button", name="留言").click()
    expect(customer.get_by_label("回电号码")).to_have_value(phone)
    customer.get_by_role("button", name="提交留言").click()
    expect(customer.locator("#chat-panel [role=alert]")).to_have_text("请填写留言内容")
    customer.get_by_label("留言内容").fill("想把宽带提速到500兆，晚上7点后方便接电话")
    customer.get_by_label("回电号码").fill("12345")
    customer.get_by_role("button", name="提交留言").click()
    expect(customer.locator("#chat-panel [role=alert]")).to_contain_text("请填写正确的回电号码")
    customer.get_by_label("回电号码").fill(phone)
    customer.get_by_role("button", name="提交留言").click()
    expect(customer.get_by_text("已为您登记留言，工单号")).to_be_visible()
    expect(customer.get_by_text("本次会话已结束。")).to_be_visible()
    expect(banner).to_be_hidden()
    # The message is a ticket in the customer's own list at once.
    expect(customer.locator("#my-tickets")).to_contain_text("留言回电（宽带业务）")
    shot(customer, "queue-message-left")
    # Nothing reached the lead's desk.
    expect(lead_desk.locator("#chats li[data-id]")).to_have_count(0)

    for c in (context, lead_context):
        c.close()
