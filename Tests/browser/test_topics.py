"""热点话题 as a team lead reads it: what customers said in their chats shows up once the indexer has
read it, with the API's counts; a word opens its split and masked samples that link to the chat; the
CSV link asks for the same report. QA reads it on a phone."""
import time

from playwright.sync_api import expect

from conftest import api_call, customer_chat, phone_context, shot, staff_page, staff_token


def test_a_customers_words_become_a_hot_topic(server, browser):
    lead = staff_token(server, "lead")
    phone = api_call(server, "POST", "/api/v1/customers/cus-100021/unmask", lead, {"reason": "热点测试"})["contactPhone"]
    context, customer = customer_chat(browser, server, phone, "宽带/电视")
    for text in ["家里宽带断网了，光猫一直红灯", f"我的号码{phone}，断网两天了"]:
        customer.get_by_label("消息").fill(text)
        customer.get_by_role("button", name="发送", exact=True).click()
        expect(customer.locator(".bubble").filter(has_text=text[:6]).first).to_be_visible()
    context.close()

    # The indexer leaves the newest messages a few seconds, then reads them on its next round. Other tests
    # say 断网 too (the page scan's ticket), so the count alone does not tell this test's words were read:
    # its last message, the newest mention, must be among the samples.
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    path = f"/api/v1/quality/hot-topics?from={today}&to={today}"
    masked = phone[:3] + "****" + phone[-4:]
    deadline = time.time() + 60
    while True:
        report = api_call(server, "GET", path, lead)
        topic = next((t for t in report["frequent"] if t["keyword"] == "断网"), None)
        read = topic and topic["count"] >= 2 and any(masked in s["text"] for s in topic["samples"])
        if read or time.time() > deadline:
            break
        time.sleep(1)
    assert read, report

    context, page = staff_page(browser, server, "lead", "/topics/")
    page.get_by_label("统计周期").select_option("today")
    bar = page.locator("#frequent [data-keyword=断网]")
    expect(bar).to_contain_text(f"{topic['count']}（")
    bar.click()
    detail = page.get_by_role("region", name="话题详情").last
    expect(detail).to_contain_text(f"本期 {topic['count']} 次")
    expect(detail).to_contain_text("宽带故障")
    # The caller's number is masked in the sample; the sample links to its chat.
    expect(detail).to_contain_text(phone[:3] + "****" + phone[-4:])
    expect(detail).not_to_contain_text(phone)
    expect(detail.get_by_role("link", name="查看对话").first).to_have_attribute("href", f"/api/v1/transcripts/{topic['samples'][0]['contactId']}?format=text")
    expect(page.locator("#t-csv")).to_have_attribute("href", f"{path}&format=csv")
    shot(page, "topics-lead")
    # Filtering by source: the page shows what the API counts in tickets alone (other tests open some).
    page.get_by_label("来源").select_option("ticket")
    in_tickets = next((t for t in api_call(server, "GET", path + "&source=ticket", lead)["frequent"] if t["keyword"] == "断网"), None)
    if in_tickets:
        expect(page.locator("#frequent [data-keyword=断网]")).to_contain_text(f"{in_tickets['count']}（")
    else:
        expect(page.locator("#frequent [data-keyword=断网]")).to_have_count(0)
    context.close()

    phone_ctx = phone_context(browser)
    phone_ctx.add_cookies([{"name": "kefu_session", "value": staff_token(server, "qa"), "url": server.url}])
    qa = phone_ctx.new_page()
    qa.goto(server.url + "/topics/")
    qa.get_by_label("统计周期").select_option("today")
    expect(qa.locator("#frequent [data-keyword=断网]")).to_be_visible()
    shot(qa, "topics-qa-phone")
    assert qa.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone_ctx.close()


def test_an_agent_is_told_the_report_is_not_theirs(server, browser):
    context, page = staff_page(browser, server, "agent1", "/topics/")
    expect(page.get_by_text("热点话题需要质检或班长权限。")).to_be_visible()
    context.close()
