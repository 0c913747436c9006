"""The bot's knowledge as an admin keeps it: a training phrase added and the bot retrained on the
spot, and an article edited."""
import pytest
from playwright.sync_api import expect

from conftest import api_call, shot, staff_page, staff_token


def classify(server, text):
    return api_call(server, "POST", "/api/v1/bot/classify", staff_token(server, "admin"), {"text": text})["intent"]


@pytest.fixture(scope="module")
def admin(server, browser):
    """One admin login for the module: logins are rate-limited per user."""
    context, page = staff_page(browser, server, "admin", "/admin/")
    yield page
    context.close()


def test_admin_teaches_the_bot_and_edits_an_article(server, admin):
    admin.get_by_role("tab", name="训练语料").click()
    admin.get_by_label("意图").select_option("points_rewards")
    expect(admin.locator("[data-panel=training] [data-intent=points_rewards]")).to_be_visible()
    for text in ["凤凰豆能换什么", "凤凰豆兑换", "我的凤凰豆", "凤凰豆怎么用", "查凤凰豆", "凤凰豆有多少"]:
        admin.get_by_placeholder("客户会怎么说").fill(text)
        admin.get_by_role("button", name="添加").click()
        expect(admin.get_by_role("cell", name=text, exact=True)).to_be_visible()
        expect(admin.get_by_placeholder("客户会怎么说")).to_have_value("")
    # An empty phrase is refused with a reason.
    admin.get_by_role("button", name="添加").click()
    expect(admin.locator("[data-panel=training] .error")).to_contain_text("语料为 1–200 字")
    assert classify(server, "凤凰豆") != "points_rewards"
    admin.get_by_role("button", name="重新训练").click()
    expect(admin.get_by_text("已重新训练")).to_be_visible()
    assert classify(server, "凤凰豆") == "points_rewards"
    shot(admin, "admin-training")

    admin.get_by_role("tab", name="知识库").click()
    admin.locator("[data-panel=knowledge] li", has_text="国际及港澳台漫游").click()
    admin.get_by_label("标题").fill("出境漫游指南")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("[data-panel=knowledge] li", has_text="出境漫游指南")).to_be_visible()
    shot(admin, "admin-knowledge")


def test_admin_adds_and_edits_a_package(server, admin):
    admin.get_by_role("tab", name="套餐目录").click()
    admin.get_by_role("button", name="新增套餐").click()
    admin.get_by_label("编码").fill("TEST-59")
    admin.get_by_label("名称").fill("校园卡 59 元")
    admin.get_by_label("类别").select_option("mobile_5g")
    admin.get_by_label("月费（元）").fill("59.001")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("[data-panel=packages] .error")).to_contain_text("最多两位小数")
    admin.get_by_label("月费（元）").fill("59")
    admin.get_by_label("流量（MB）").fill("30720")
    admin.get_by_label("通话（分钟）").fill("300")
    admin.get_by_label("权益（用逗号分隔）").fill("校园WiFi，视频会员")
    admin.get_by_role("button", name="保存").click()
    row = admin.locator("[data-panel=packages] tr", has_text="TEST-59")
    expect(row).to_contain_text("¥59.00")
    row.click()
    admin.get_by_label("月费（元）").fill("49.9")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("[data-panel=packages] tr", has_text="TEST-59")).to_contain_text("¥49.90")
    shot(admin, "admin-packages")
