"""The service-quality report as a team lead and QA use it: the figures against their targets, the
charts, the table and the CSV, every number as the API gives it; agents do not see the page."""
import urllib.request
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from conftest import api_call, desk, phone_context, rated_chat, shot, staff_page, staff_token


def pct(x):
    return "—" if x is None else f"{x * 100:.1f}%"


def seven_days():
    """The page's default period: China's last 7 days, today included."""
    china = timezone(timedelta(hours=8))
    today = datetime.now(china).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - timedelta(days=6), today + timedelta(days=1)
    z = lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return z(start), z(end)


def test_the_report_shows_what_the_api_says(server, browser):
    rated_chat(server, browser, 4)
    start, end = seven_days()
    api = api_call(server, "GET", f"/api/v1/quality/report?from={start}&to={end}&by=agent", staff_token(server, "qa"))
    context, page = staff_page(browser, server, "qa", "/quality/")
    tiles = page.locator("#kpis .kpi")
    expect(tiles).to_have_count(13)
    total = api["total"]
    expect(page.locator("[data-kpi='30秒首响率'] .kpi-value")).to_have_text(pct(total["chats"].get("shareWithin30s")))
    expect(page.locator("[data-kpi='满意度 CSAT'] .kpi-value")).to_have_text(pct(total["surveys"].get("csat")))
    expect(page.locator("[data-kpi='参评率']")).to_contain_text(f"{total['surveys']['answered']}/{total['surveys']['eligible']}")
    expect(page.locator("[data-kpi='30秒首响率']")).to_contain_text("目标 ≥ 90.0%")
    expect(page.locator("[data-kpi='首次解决率 FCR'] .kpi-value")).to_have_text(pct(total["surveys"].get("firstContactResolution")))
    expect(page.locator("[data-kpi='首次解决率 FCR']")).to_contain_text("目标 ≥ 85.0%")
    expect(page.locator("[data-kpi='差评48小时复盘率'] .kpi-value")).to_have_text(pct(total["surveys"].get("reviewedOnTimeShare")))
    expect(page.locator("[data-kpi='工单 SLA 超时'] .kpi-value")).to_have_text(pct(total["tickets"].get("breachRate")))
    expect(page.locator("[data-kpi='故障48小时解决率']")).to_contain_text(f"{total['tickets']['faultsWithin48h']}/{total['tickets']['faultsDue']}")
    # The distribution's legend counts are the API's buckets.
    for key, n in total["chats"]["firstResponseBuckets"].items():
        expect(page.locator(f"#frt-chart [data-bucket='{key}']")).to_contain_text(str(n))
    # Hand-overs by why, as the API counts them; the test's chat was handed over by the 转人工 button.
    handovers = {r["reason"]: r["chats"] for r in total["chats"]["handovers"]}
    assert handovers["button"] >= 1, handovers
    for reason, n in handovers.items():
        expect(page.locator(f"#handover-chart [data-reason='{reason}']")).to_contain_text(f"{n}（")
    # Each agent's row in the table as the API has it.
    rows = page.locator("#rows tbody tr")
    expect(rows).to_have_count(len(api["rows"]) + 1)
    for row in api["rows"]:
        line = page.locator(f"#rows tr[data-key='{row['key']}']")
        expect(line.locator("td").nth(0)).to_have_text(row["label"])
        expect(line.locator("td").nth(1)).to_have_text(str(row["chats"]["chats"]))
        expect(line.locator("td").nth(3)).to_have_text(pct(row["chats"].get("shareWithin30s")))
        expect(line.locator("td").nth(9)).to_have_text(pct(row["surveys"].get("csat")))
    assert any(r["label"] == "K3001 张小雨" for r in api["rows"]), api["rows"]
    expect(page.locator("#compare-chart svg")).to_be_visible()
    shot(page, "quality-report-by-agent")

    # By day: one row per China day with chats; the CSV link gives the same rows.
    page.get_by_label("分组方式").select_option("day")
    expect(page.locator("#compare-title")).to_have_text("按日期：30秒首响率与满意度")
    href = page.locator("#q-csv").get_attribute("href")
    request = urllib.request.Request(server.url + href, headers={"Authorization": "Bearer " + staff_token(server, "qa")})
    with urllib.request.urlopen(request) as response:
        csv = response.read().decode("utf-8-sig")
    lines = csv.strip().split("\r\n")
    assert lines[0].startswith("分组,会话数") and lines[-1].startswith("合计,"), lines
    assert len(lines) == page.locator("#rows tbody tr").count() + 1, (lines, page.locator("#rows tbody tr").count())

    # A reversed custom period is refused with its reason.
    page.get_by_label("统计周期").select_option("custom")
    page.get_by_label("开始日期").fill("2026-11-20")
    page.get_by_label("结束日期").fill("2026-11-10")
    expect(page.locator("#q-error")).to_have_text("开始时间必须早于结束时间")
    context.close()

    # On a phone, as a team lead.
    phone = phone_context(browser)
    phone.add_cookies([{"name": "kefu_session", "value": staff_token(server, "lead"), "url": server.url}])
    lead = phone.new_page()
    lead.goto(server.url + "/quality/")
    expect(lead.locator("#kpis .kpi")).to_have_count(13)
    shot(lead, "quality-report-phone")
    assert lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.close()


def test_agents_are_not_shown_the_report(server, browser):
    context, agent = desk(browser, server, "agent1")
    expect(agent.get_by_role("link", name="工单")).to_be_visible()
    expect(agent.get_by_role("link", name="服务质量")).to_be_hidden()
    agent.goto(server.url + "/quality/")
    expect(agent.get_by_text("服务质量报表需要质检或班长权限。")).to_be_visible()
    context.close()
    context, lead = staff_page(browser, server, "lead", "/agent/")
    expect(lead.get_by_role("link", name="服务质量")).to_be_visible()
    context.close()
