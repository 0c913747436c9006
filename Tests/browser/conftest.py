"""Starts a real `kefu serve` on a free loopback port with a fresh SQLite file and demo data,
and gives the tests a Chromium from Debian (playwright cannot download browsers here)."""
import os
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build-screenshots"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="kefu-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(self.dir) / "server.log"
        binary = os.environ.get("KEFU_BINARY", str(ROOT / ".build" / "debug" / "kefu"))
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--database", f"sqlite://{self.dir}/kefu.sqlite",
             "--demo-customers", "200", "--demo-history-days", "0",
             # One node: only the console's 重新训练 retrains, so a test can see the bot before and after.
             "--bot-reload-interval", "3600",
             # Customers log in from addresses of their own (customer_login), as on real phones: from one
             # address the suite's logins would run into the limit of 20 SMS codes an hour.
             "--trusted-proxy", "127.0.0.1"],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
            if self.process.poll() is not None:
                raise RuntimeError("kefu serve exited:\n" + self.log_path.read_text())
        raise RuntimeError("kefu serve did not become healthy:\n" + self.log_path.read_text())

    def sms_code(self, phone):
        """The development SMS sender writes codes to the log; the newest one for `phone` wins."""
        deadline = time.time() + 10
        while time.time() < deadline:
            codes = [re.search(r"验证码为 (\d{6})", line).group(1) for line in self.log_path.read_text().splitlines()
                     if "development sender" in line and f"to={phone}" in line]
            if codes:
                return codes[-1]
            time.sleep(0.2)
        raise AssertionError("no SMS code for " + phone)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 860}}


@pytest.fixture
def page(context):
    """pytest-playwright's page, failing the test on any uncaught JavaScript error or anything the
    Content-Security-Policy refused (a page that breaks its own policy has a feature missing)."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def phone_page(browser):
    context = phone_context(browser)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def phone_context(browser):
    """A new browser context shaped like a phone."""
    return browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)


def customer_login(page, server, phone):
    """Logs a customer in at / with the SMS code the development sender wrote to the log, from an
    address of the phone's own (see Server)."""
    digits = int(phone[-6:])
    page.set_extra_http_headers({"X-Forwarded-For": f"10.{digits // 65536 % 256}.{digits // 256 % 256}.{digits % 256}"})
    page.goto(server.url + "/")
    page.get_by_label("手机号码").fill(phone)
    page.locator("#send-code").click()
    page.get_by_label("验证码", exact=True).fill(server.sms_code(phone))
    page.get_by_role("button", name="登录", exact=True).click()


def api_call(server, method, path, token=None, body=None):
    """One JSON request to the server under test."""
    import json
    import urllib.request
    request = urllib.request.Request(server.url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


_tokens = {}


def staff_token(server, username):
    """A staff bearer token, logged in once per test session: logins are rate-limited per user."""
    if username not in _tokens:
        _tokens[username] = api_call(server, "POST", "/api/v1/auth/login", body={"username": username, "password": "kefu-demo-2026"})["token"]
    return _tokens[username]


def staff_page(browser, server, username, path):
    """A staff page in its own desktop-sized context, on the session `staff_token` holds for the user:
    logins are rate-limited per address, and the login form has tests of its own."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": "kefu_session", "value": staff_token(server, username), "url": server.url}])
    page = context.new_page()
    page.goto(server.url + path)
    return context, page


def desk(browser, server, username):
    """An agent's desk, open."""
    from playwright.sync_api import expect
    context, page = staff_page(browser, server, username, "/agent/")
    expect(page.get_by_role("heading", name="我的会话")).to_be_visible()
    return context, page


def customer_chat(browser, server, phone, group):
    """A customer on a phone, logged in, with the chat open in `group` (the menu's label)."""
    context = phone_context(browser)
    page = context.new_page()
    customer_login(page, server, phone)
    page.get_by_role("button", name="在线客服").click()
    page.get_by_role("button", name=group).click()
    return context, page


def rated_chat(server, browser, score, reason=None, among=range(199, 180, -1)):
    """A chat of its own: a customer who is not VIP, from `among` (the end of the demo list, which the
    other tests do not log in as), is answered by agent1 and rates it `score` on the chat's survey.
    Returns the conversation's id."""
    from playwright.sync_api import expect
    lead = staff_token(server, "lead")
    for n in among:
        view = api_call(server, "GET", f"/api/v1/customers/cus-100{n}/360", lead)
        if view["customer"]["vipLevel"] == 0:
            break
    phone = api_call(server, "POST", f"/api/v1/customers/{view['customer']['id']}/unmask", lead, {"reason": "测试评价"})["contactPhone"]
    context, customer = customer_chat(browser, server, phone, "手机业务")
    customer.get_by_role("button", name="转人工").click()
    chat = api_call(server, "GET", f"/api/v1/transcripts?phone={phone}&limit=1", lead)[0]
    agent_context, agent = desk(browser, server, "agent1")
    agent.locator(f"#chats li[data-id='{chat['id']}']").click()
    agent.get_by_label("回复").fill("您好，请问有什么可以帮您？")
    agent.get_by_role("button", name="发送", exact=True).click()
    agent.get_by_role("button", name="结束会话").click()
    customer.get_by_role("button", name=f"{score}分").click()
    if reason:
        customer.get_by_role("button", name=reason, exact=True).click()
        customer.get_by_label("评价内容").fill("等了很久，问题也没解决")
    customer.get_by_role("button", name="提交评价").click()
    expect(customer.get_by_text("本次会话已结束。")).to_be_visible()
    for c in (context, agent_context):
        c.close()
    return chat["id"]


# What no page may show its user: JavaScript's empty values, internal ids, keys and digests.
LEAKS = [
    (re.compile(r"\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]"), "a JavaScript value"),
    (re.compile(r"\b(staff|cus|tk|conv|vis|att|sess|aud|hit)-[0-9A-Za-z]"), "an internal id"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "a UUID"),
    (re.compile(r"\b[0-9a-f]{40,}\b", re.I), "a hash"),
    (re.compile(r"\b(idNumber|contactPhone|customerId|agentId|assigneeId|packageCode|fields\.[a-zA-Z]+)\b"), "a field key"),
]


def leaks(page):
    """What the page's visible text shows that it should not, with a little context."""
    page.wait_for_load_state("networkidle")
    text = page.evaluate("document.body.innerText")
    found = []
    for pattern, what in LEAKS:
        for m in pattern.finditer(text):
            found.append(f"{what}: …{text[max(0, m.start() - 30):m.end() + 30]}…".replace("\n", " "))
    return found
