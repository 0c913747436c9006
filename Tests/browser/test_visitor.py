"""Chatting without logging in: a visitor on a phone talks to the bot, which asks them to log in for
account matters, and then to an agent at the desk."""
from playwright.sync_api import expect

from conftest import desk, phone_context, shot


def test_visitor_chats_with_bot_and_agent(server, browser):
    context = phone_context(browser)
    visitor = context.new_page()
    visitor.goto(server.url + "/")
    visitor.get_by_role("button", name="不登录，直接咨询").click()
    visitor.get_by_role("button", name="话费账单").click()
    expect(visitor.get_by_text("欢迎来到在线客服")).to_be_visible()
    visitor.get_by_label("消息").fill("帮我查一下话费")
    visitor.get_by_role("button", name="发送", exact=True).click()
    expect(visitor.get_by_text("需要先用手机号登录")).to_be_visible()
    visitor.get_by_label("消息").fill("人工")
    visitor.get_by_role("button", name="发送", exact=True).click()
    expect(visitor.get_by_text("正在为您转接人工客服（账务）")).to_be_visible()
    expect(visitor.locator(".chat-banner")).to_have_text("当前暂无客服在线，可以留言或继续等待")
    shot(visitor, "visitor-chat")
    # Leaving a message needs a number proved by logging in.
    visitor.get_by_role("button", name="留言").click()
    expect(visitor.get_by_text("留言需要先用手机号登录")).to_be_visible()
    visitor.get_by_role("button", name="继续等待").click()

    # The visitor chose the billing group, where agent3 works.
    agent_context, agent = desk(browser, server, "agent3")
    agent.locator("#chats li[data-id]", has_text="访客").first.click()
    expect(agent.locator("#chat-log").get_by_text("帮我查一下话费")).to_be_visible()
    agent.get_by_label("回复").fill("您好，登录后我可以帮您核对账单。")
    agent.get_by_role("button", name="发送", exact=True).click()
    expect(visitor.get_by_text("您好，登录后我可以帮您核对账单。")).to_be_visible()

    # Handed to a named colleague who has the desk open.
    colleague_context, colleague = desk(browser, server, "agent1")
    # The colleague is online once their desk's socket has its welcome (the load shows then); only then
    # does the list of colleagues offer them.
    expect(colleague.locator("#load")).to_have_text("接待 0/5")
    agent.get_by_label("转接至").focus()
    expect(agent.locator("#transfer-colleagues option[value='agent:staff-agent1']")).to_have_count(1)
    agent.get_by_label("转接至").select_option("agent:staff-agent1")
    agent.get_by_role("button", name="转接").click()
    expect(visitor.get_by_text("转接给客服 K3001")).to_be_visible()
    colleague.locator("#chats li[data-id]", has_text="访客").first.click()
    expect(colleague.locator("#chat-log").get_by_text("帮我查一下话费")).to_be_visible()
    context.close()
    agent_context.close()
    colleague_context.close()
