"""Self-service as a new customer meets it: open a number online, log in with it, change plan, recharge."""
import re

from playwright.sync_api import expect

from conftest import customer_login, leaks, phone_context, shot

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


def luhn_complete(payload):
    total = 0
    for offset, digit in enumerate(reversed([int(c) for c in payload])):
        if offset % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return payload + str((10 - total % 10) % 10)


def test_open_a_number_then_change_plan_and_recharge(server, browser):
    context = phone_context(browser)
    page = context.new_page()
    page.goto(server.url + "/open")
    expect(page.get_by_role("heading", name="第一步：选择号码")).to_be_visible()
    page.get_by_label("所在城市").select_option("南京")
    page.wait_for_load_state("networkidle")
    number = page.locator("#numbers button").first.inner_text()
    page.get_by_role("button", name=number, exact=True).click()
    expect(page.get_by_text(f"已为您预留号码 {number}")).to_be_visible()
    page.get_by_label("姓名").fill("周新")
    page.get_by_label("身份证号码").fill("11010519491231002X")
    page.get_by_label("联系电话").fill("13711119999")
    page.get_by_label("区县").fill("鼓楼区")
    page.get_by_label("详细地址").fill("南京市鼓楼区中山路1号")
    page.get_by_label("套餐").select_option("M5G-79")
    # A digit off: refused with the reason, nothing opened.
    good = luhn_complete("898600112233445566")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    page.get_by_label("SIM 卡号（ICCID，卡背面 19–20 位数字）").fill(bad)
    page.get_by_label("人脸照片（用于实名核验）").set_input_files(files=[{"name": "face.png", "mimeType": "image/png", "buffer": PNG * 4}])
    page.get_by_role("button", name="提交开户").click()
    # Each problem in Chinese beside its field, no field key anywhere.
    expect(page.locator("#open-form .field-error").filter(has_text="协议")).to_be_visible()
    expect(page.get_by_label("SIM 卡号（ICCID，卡背面 19–20 位数字）")).to_have_attribute("aria-invalid", "true")
    assert not leaks(page), leaks(page)
    shot(page, "open-number-field-errors")
    page.get_by_label("我已阅读并同意《入网服务协议》").check()
    page.get_by_role("button", name="提交开户").click()
    expect(page.locator("#open-form .field-error").filter(has_text="校验位")).to_be_visible()
    expect(page.locator("#open-form .field-error").filter(has_text="协议")).to_have_count(0)
    page.get_by_label("SIM 卡号（ICCID，卡背面 19–20 位数字）").fill(good)
    page.get_by_role("button", name="提交开户").click()
    expect(page.get_by_role("heading", name="开户成功")).to_be_visible()
    expect(page.get_by_role("status", name="开户成功").get_by_text(number)).to_be_visible()
    assert not leaks(page), leaks(page)  # no record id, no digest: the number, the plan, the signed agreement
    shot(page, "open-number-done")

    # The new customer logs in with the new number and changes plan.
    customer_login(page, server, number)
    expect(page.get_by_role("heading", name="办理业务")).to_be_visible()
    page.get_by_role("tab", name="套餐变更").click()
    page.get_by_label("新套餐").select_option("M5G-129")
    page.get_by_label("生效时间").select_option("immediately")
    page.get_by_role("button", name="获取报价").click()
    expect(page.get_by_text("报价：5G畅享 79元 → 5G畅享 129元（升档）")).to_be_visible()
    shot(page, "plan-quote")
    page.get_by_role("button", name="确认办理").click()
    expect(page.get_by_text("办理成功：5G畅享 129元")).to_be_visible()
    assert not page.get_by_text(re.compile(r"M5G-|M4G-")).count(), page.get_by_text(re.compile(r"M5G-|M4G-")).all_inner_texts()

    # And recharges; a bad amount is explained first.
    page.get_by_role("tab", name="充值缴费").click()
    page.get_by_label("充值金额（元）").fill("0.001")
    page.get_by_role("button", name="立即充值").click()
    expect(page.get_by_role("alert").filter(has_text="两位小数")).to_be_visible()
    page.get_by_role("button", name="50元").click()
    page.get_by_role("button", name="立即充值").click()
    expect(page.get_by_text("充值成功 ¥50.00，当前余额")).to_be_visible()
    shot(page, "recharged")
    context.close()
