"""The portal in a real browser: home, search, a one-thing, signing in as applicant and staff."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("onething-demo")
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_load_state("networkidle")


def test_home_search_and_one_thing(page, demo_platform, screenshot, accessible):
    page.goto("/")
    expect(page.get_by_role("heading", name="一件事，一次办")).to_be_visible()
    expect(page.get_by_role("link", name="新生儿出生").first).to_be_visible()
    screenshot("01-home")
    accessible(page)

    page.get_by_label("您想办什么事？").fill("生孩子")
    results = page.locator("#results")
    results.get_by_role("link", name="新生儿出生").wait_for()
    screenshot("02-search-everyday-words")

    page.get_by_label("您想办什么事？").fill("kbcyd")
    results.get_by_role("link", name="企业准营（开办餐饮店）").wait_for()

    results.get_by_role("link", name="企业准营（开办餐饮店）").click()
    page.wait_for_url("**/one-things/**")
    expect(page.get_by_role("heading", name="企业准营（开办餐饮店）")).to_be_visible()
    expect(page.get_by_text("市行政审批局").first).to_be_visible()
    screenshot("03-one-thing")
    accessible(page)


def test_applicant_signs_in_and_sees_masked_numbers(page, demo_platform, screenshot, accessible):
    sign_in(page, "zhangsan")
    expect(page.get_by_role("heading", name="张三，您好")).to_be_visible()
    body = page.content()
    assert "**********" in body and "****" in body
    screenshot("04-applicant-home")
    accessible(page)


def test_staff_sign_in_shows_their_workbench(page, demo_platform, screenshot, accessible):
    sign_in(page, "supervisor")
    expect(page.get_by_role("heading", name="蒋督查 的工作台")).to_be_visible()
    expect(page.get_by_text("监督管理人员").first).to_be_visible()
    expect(page.get_by_text("本地区工作人员")).to_be_visible()
    screenshot("05-supervisor-home")
    accessible(page)

    page.get_by_role("button", name="退出").click()
    sign_in(page, "coord")
    expect(page.get_by_text("句容市卫生健康委员会").first).to_be_visible()
    expect(page.get_by_text("本部门牵头的“一件事”")).to_be_visible()
    screenshot("06-coordinator-home")


def test_wrong_password_and_english(page, demo_platform, screenshot):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").last.click()
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
    screenshot("07-sign-in-error")

    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Do it once")).to_be_visible()
    screenshot("08-home-english")


def test_home_on_a_phone(browser, live_server, demo_platform):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        device_scale_factor=2,
    )
    phone = context.new_page()
    phone.goto("/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    from onething.tests_browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "09-home-phone.png"), full_page=True)
    context.close()
