"""The widget as a customer on a slow line meets it: a message typed the moment a category is chosen,
before the server has opened the chat, waits for the chat and is sent then (it used to be refused with
"请先选择咨询类别", though the customer had chosen one)."""
from playwright.sync_api import expect

from conftest import api_call, customer_login, phone_context, staff_token


def test_a_message_typed_before_the_chat_opens_is_sent_once_it_has(server, browser):
    lead = staff_token(server, "lead")
    phone = api_call(server, "POST", "/api/v1/customers/cus-100013/unmask", lead, {"reason": "测试慢网"})["contactPhone"]
    context = phone_context(browser)
    page = context.new_page()
    # The server's frames are held from the page's `start` until released: the line is slow.
    holding, held, sockets = [False], [], []

    def route(ws):
        sockets.append(ws)
        upstream = ws.connect_to_server()

        def from_page(message):
            if '"start"' in str(message):
                holding[0] = True
            upstream.send(message)

        def from_server(message):
            if holding[0]:
                held.append(message)
            else:
                ws.send(message)

        ws.on_message(from_page)
        upstream.on_message(from_server)

    page.route_web_socket("**/ws/chat**", route)
    customer_login(page, server, phone)
    page.get_by_role("button", name="在线客服").click()
    page.get_by_role("button", name="手机业务").click()
    expect(page.get_by_text("正在接入…")).to_be_visible()
    page.get_by_label("消息").fill("我的流量用完了吗")
    page.get_by_role("button", name="发送", exact=True).click()
    widget = page.get_by_role("region", name="在线客服")
    expect(widget.locator(".bubble.pending").filter(has_text="我的流量用完了吗")).to_be_visible()
    expect(widget.get_by_role("alert")).not_to_have_text("请先选择咨询类别")

    # The line recovers: the chat opens, the message goes out, is stored and shown as sent.
    holding[0] = False
    for message in held:
        sockets[-1].send(message)
    expect(widget.locator(".bubble:not(.pending)").filter(has_text="我的流量用完了吗")).to_be_visible()
    expect(widget.locator(".bubble.pending")).to_have_count(0)
    expect(widget.get_by_role("alert")).to_have_text("")
    context.close()
