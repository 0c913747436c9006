"""The bot's answers as customers meet them on a phone, and the desk's suggested answers as an agent
meets them: from the customer's own records, one instruction at a time, and sendable as they are."""
from playwright.sync_api import expect

from conftest import api_call, customer_chat, desk, shot, staff_token


# Each test here logs in as a customer of its own: a phone gets one SMS code a minute.
TAKEN = set()


def demo_customer(server, wanted, reason):
    """A demo customer (of those no other test logs in as) for whom `wanted(view)` holds, and their phone."""
    lead = staff_token(server, "lead")
    for n in range(100, 200):
        if n in TAKEN:
            continue
        view = api_call(server, "GET", f"/api/v1/customers/cus-100{n}/360", lead)
        if wanted(view):
            TAKEN.add(n)
            phone = api_call(server, "POST", f"/api/v1/customers/{view['customer']['id']}/unmask", lead, {"reason": reason})["contactPhone"]
            return view, phone
    raise AssertionError("no such demo customer")


def ask(page, text):
    """Sends `text` and returns the bot's answer to it."""
    answers = page.locator(".bubble:not(.mine)")
    expect(answers.first).to_be_visible()  # the greeting: counting starts after it
    before = answers.count()
    page.get_by_label("消息").fill(text)
    page.get_by_role("button", name="发送", exact=True).click()
    expect(answers).to_have_count(before + 1, timeout=10000)
    return answers.last.inner_text()


def own_line(view, kind, **where):
    return next((s for s in view["subscriptions"] if s["kind"] == kind and all(s.get(k) == v for k, v in where.items())), None)


def plain_with(kind):
    """A customer who is not a VIP (whose chats go to their own desk) and has a working line of `kind`, outside any bundle."""
    return lambda v: (v["customer"]["vipLevel"] == 0 and own_line(v, kind, status="active") is not None
                      and not any(s.get("bundleId") for s in v["subscriptions"]))


def test_answers_from_the_customers_records(server, browser):
    # A family: its lines share one pool, and what going over costs is said.
    family, phone = demo_customer(server, lambda v: any(s.get("bundleId") for s in v["subscriptions"]), "测试答复")
    context, page = customer_chat(browser, server, phone, "手机业务")
    said = ask(page, "流量还剩多少")
    assert "本月流量剩余" in said and "共享套餐" in said, said  # this month's pool, not last month's use
    said = ask(page, "副卡流量超了扣多少钱")
    assert "共享池" in said and "/GB" in said and "/分钟" in said, said
    shot(page, "12-answer-overage")
    context.close()

    # A line stopped for arrears: why, how much, and how to come back.
    owing, phone = demo_customer(server, lambda v: own_line(v, "mobile", status="suspended_arrears") is not None, "测试答复")
    context, page = customer_chat(browser, server, phone, "手机业务")
    said = ask(page, "我的手机怎么停机了")
    assert "因欠费已停机" in said and f"欠费 ¥{-owing['customer']['balanceFen'] // 100}." in said and "充值缴费" in said, said
    shot(page, "12-answer-arrears")
    context.close()

    # A plan-change question under contract gets the quote, not "your plan is fine".
    def contracted(v):
        line = own_line(v, "mobile")
        return line is not None and line.get("contract") and not line.get("bundleId") and line["status"] == "active" and line["packageCode"] != "M5G-199"
    _, phone = demo_customer(server, contracted, "测试答复")
    context, page = customer_chat(browser, server, phone, "手机业务")
    said = ask(page, "5G升级到199合约期内可以吗")
    assert "5G尊享 199元" in said and "合约期内" in said and "生效" in said and "比较合适" not in said, said
    shot(page, "12-answer-plan-change")
    context.close()


def test_the_fault_self_check_asks_one_thing_at_a_time(server, browser):
    _, phone = demo_customer(server, plain_with("broadband"), "测试自检")
    context, page = customer_chat(browser, server, phone, "宽带/电视")
    steps = [ask(page, "家里宽带上不了网"), ask(page, "不是，灯是绿的"), ask(page, "还是不行")]
    for n, step in enumerate(steps, start=1):
        assert f"第 {n} 步" in step, step
        assert "人工" not in step, step  # one way to answer, not two
        sentences = [s for s in step.replace("\n", "。").split("。") if s.strip()]
        assert len(sentences) == len(set(sentences)), step
    done = ask(page, "重启了也没用")
    assert "已为您创建报修工单" in done, done
    shot(page, "12-self-check")
    context.close()


def test_the_desk_suggests_answers_for_the_latest_need(server, browser):
    _, phone = demo_customer(server, plain_with("mobile"), "测试推荐")
    context, customer = customer_chat(browser, server, phone, "手机业务")
    ask(customer, "家里宽带断网了")
    ask(customer, "另外你们乱扣我话费，上个月多扣了三十块")
    customer.get_by_label("消息").fill("转人工")
    customer.get_by_role("button", name="发送", exact=True).click()
    agent_context, agent = desk(browser, server, "agent1")
    agent.locator("#chats li[data-id]").first.click()
    box = agent.locator("#suggestions")
    expect(box).to_be_visible()
    expect(box).to_contain_text("乱扣")
    expect(box.get_by_role("button").first).to_have_text("话费异议核实")
    expect(box.get_by_role("button", name="宽带故障自检")).to_have_count(0)
    box.get_by_role("button").first.click()
    reply = agent.get_by_label("回复").input_value()
    assert "核实" in reply and "还是不行" not in reply and "输入“人工”" not in reply, reply
    shot(agent, "12-desk-suggestions")
    agent.get_by_role("button", name="结束会话").click()
    expect(customer.get_by_text("祝您生活愉快")).to_be_visible()
    customer.get_by_role("button", name="5分").click()
    customer.get_by_role("button", name="提交评价").click()
    expect(customer.get_by_text("本次会话已结束。")).to_be_visible()
    expect(agent.locator("#load")).to_have_text("接待 0/5")
    expect(agent.locator("#chats li[data-id]")).to_have_count(0)
    for c in (context, agent_context):
        c.close()


def test_a_message_sent_too_fast_goes_again_by_itself(server, browser):
    _, phone = demo_customer(server, plain_with("mobile"), "测试限流")
    context, page = customer_chat(browser, server, phone, "手机业务")
    expect(page.locator(".bubble:not(.mine)").first).to_be_visible()
    # Twelve in a row: the eleventh and twelfth are over the limit of ten in ten seconds, and are sent
    # again by the page once the wait is over; none is lost, none is doubled.
    for n in range(12):
        page.get_by_label("消息").fill(f"连发第{n + 1}条")
        page.get_by_role("button", name="发送", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="自动重发")).to_be_visible()
    for n in range(12):
        expect(page.locator(".bubble.mine").filter(has_text=f"连发第{n + 1}条")).to_have_count(1, timeout=20000)
    expect(page.locator(".bubble.failed")).to_have_count(0)
    # Twelve messages the bot cannot read hand the chat to a person: agent1 takes it and ends it, so the
    # tests after this one find the desk empty.
    agent_context, agent = desk(browser, server, "agent1")
    agent.locator("#chats li[data-id]").first.click()
    # The two refused reach the agent too, once the page has sent them again.
    expect(agent.get_by_text("连发第12条", exact=True)).to_be_visible(timeout=20000)
    expect(agent.get_by_text("连发第11条", exact=True)).to_have_count(1)
    agent.get_by_role("button", name="结束会话").click()
    page.get_by_role("button", name="5分").click()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("本次会话已结束。")).to_be_visible()
    expect(agent.locator("#chats li[data-id]")).to_have_count(0)
    for c in (context, agent_context):
        c.close()
