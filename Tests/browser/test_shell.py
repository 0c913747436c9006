"""The web shell as its users meet it: a customer logs in by SMS, an agent and an admin by password."""
from playwright.sync_api import expect

from conftest import shot


# Scrolls the page from top to bottom, and at each position asks what is drawn at the centre of every
# visible control, cell and heading: the 在线客服 button must never be what is hit.
COVERED_BY_LAUNCHER = """() => {
  const launcher = document.querySelector('#open-chat');
  const scroller = [document.querySelector('main'), document.scrollingElement].find((e) => e.scrollHeight > e.clientHeight + 1);
  const covered = new Set();
  // What a scrolling <main> clips is not shown, so not covered: only its visible part counts.
  const view = scroller && scroller !== document.scrollingElement ? scroller.getBoundingClientRect() : { top: 0, bottom: innerHeight };
  for (let y = 0; ; y += 120) {
    if (scroller) scroller.scrollTo(0, y);
    for (const el of document.querySelectorAll('main button, main a, main input, main select, main summary, main td, main h2')) {
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2, cy = r.top + r.height / 2;
      if (!r.width || !r.height || cy < view.top || cy >= view.bottom || x < 0 || x >= innerWidth) continue;
      const hit = document.elementFromPoint(x, cy);
      if (hit && launcher.contains(hit)) covered.add(el.textContent.trim().slice(0, 24));
    }
    if (!scroller || y >= scroller.scrollHeight) break;
  }
  if (scroller) scroller.scrollTo(0, 0);
  return [...covered];
}"""


def staff_login(page, server, username, path="/agent/"):
    page.goto(server.url + path)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("kefu-demo-2026")
    page.get_by_role("button", name="登录").click()


def open_customer(page, query):
    page.get_by_placeholder("手机号 / 证件号 / 姓名").fill(query)
    page.get_by_role("button", name="查询").click()
    page.locator("#results li").first.click()


def test_customer_logs_in_by_sms_and_sees_own_bill(server, phone_page):
    page = phone_page
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="手机号登录")).to_be_visible()
    page.get_by_label("手机号码").fill("13800138000")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#send-code")).to_be_disabled()
    expect(page.locator("#send-code")).to_contain_text("秒后重发")
    page.get_by_label("验证码", exact=True).fill(server.sms_code("13800138000"))
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="近期账单")).to_be_visible()
    expect(page.get_by_text("13800138000").first).to_be_visible()
    expect(page.get_by_text("全家享 229元").first).to_be_visible()
    shot(page, "customer-account-phone")

    # On a phone 在线客服 is a bar of its own: at no scroll position does it cover what the page shows.
    page.wait_for_load_state("networkidle")
    launcher = page.get_by_role("button", name="在线客服")
    expect(launcher).to_be_visible()
    covered = page.evaluate(COVERED_BY_LAUNCHER)
    assert covered == [], covered
    box = launcher.bounding_box()
    assert box["width"] >= 389 and abs(box["y"] + box["height"] - 844) < 2, box


def test_wrong_sms_code_is_explained(server, phone_page):
    page = phone_page
    page.goto(server.url + "/")
    page.get_by_label("手机号码").fill("13900139001")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("验证码", exact=True).fill("000000" if server.sms_code("13900139001") != "000000" else "111111")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("验证码错误")
    shot(page, "customer-wrong-code")


def test_agent_finds_a_customer_and_sees_masks(server, page):
    page.goto(server.url + "/agent")
    expect(page.get_by_role("heading", name="坐席登录")).to_be_visible()
    shot(page, "agent-login")
    page.get_by_label("用户名").fill("agent1")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    page.get_by_label("密码").fill("kefu-demo-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("工号 K3001")).to_be_visible()
    open_customer(page, "13800138000")
    expect(page.get_by_text("138****8000").first).to_be_visible()
    expect(page.get_by_text("已脱敏")).to_be_visible()
    expect(page.get_by_role("button", name="查看完整信息")).to_have_count(0)
    expect(page.get_by_text("光猫").first).to_be_visible()
    shot(page, "agent-desk-360")


def test_team_lead_unmasks_with_a_reason(server, page):
    staff_login(page, server, "lead")
    open_customer(page, "13800138000")
    expect(page.get_by_text("138****8000").first).to_be_visible()
    page.get_by_placeholder("查看原因（将记入审计日志）").fill("客户来电核实身份")
    page.get_by_role("button", name="查看完整信息").click()
    expect(page.get_by_text("13800138000").first).to_be_visible()


def test_admin_console_lists_staff_packages_and_audit(server, page):
    staff_login(page, server, "admin", path="/admin")
    expect(page.get_by_role("cell", name="agent2")).to_be_visible()
    form = page.locator("form", has=page.get_by_role("heading", name="新增员工"))
    form.get_by_label("用户名").fill("agent8")
    form.get_by_label("姓名").fill("新同事")
    form.get_by_label("工号").fill("K3008")
    form.get_by_label("初始密码（至少10位）").fill("short")
    form.get_by_role("button", name="创建账号").click()
    # Said beside the password, in Chinese.
    expect(form.locator(".field-error")).to_have_text("密码为 10–72 个字节（至少10位）")
    expect(form.get_by_label("初始密码（至少10位）")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("初始密码（至少10位）").fill("a-long-password")
    page.get_by_role("button", name="创建账号").click()
    expect(page.get_by_role("cell", name="agent8")).to_be_visible()
    shot(page, "admin-staff")
    page.get_by_role("tab", name="套餐目录").click()
    expect(page.get_by_role("cell", name="冰激凌 99元")).to_be_visible()
    shot(page, "admin-packages")
    page.get_by_role("tab", name="审计日志").click()
    expect(page.get_by_role("cell", name="staff.create").first).to_be_visible()
    shot(page, "admin-audit")


def test_script_in_data_is_shown_as_text(server, page):
    import json
    import urllib.request
    token = json.load(urllib.request.urlopen(urllib.request.Request(
        server.url + "/api/v1/auth/login", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"username": "agent2", "password": "kefu-demo-2026"}).encode())))["token"]
    body = {"name": "<img src=x onerror=alert(1)>", "idNumber": "11010519491231002X", "contactPhone": "13711113333",
            "city": "杭州", "district": "西湖区", "address": "<script>window.pwned=1</script>"}
    urllib.request.urlopen(urllib.request.Request(
        server.url + "/api/v1/customers", method="POST", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer " + token}))
    staff_login(page, server, "lead")
    open_customer(page, "13711113333")
    page.get_by_placeholder("查看原因（将记入审计日志）").fill("核对资料")
    page.get_by_role("button", name="查看完整信息").click()
    expect(page.get_by_text("<img src=x onerror=alert(1)>").first).to_be_visible()
    expect(page.get_by_text("<script>window.pwned=1</script>").first).to_be_visible()
    assert page.evaluate("window.pwned") is None
    assert page.locator("img[src=x]").count() == 0
