"""Shared data in a real browser: the prefill preview with each value's source, an objection
raised from it, the applicant's data tracker, and the providing department's objection page."""

import pytest
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in

pytestmark = pytest.mark.browser

NEWBORN = "JS-2022-07"


def test_prefill_preview_objection_and_data_tracker(page, demo_platform, screenshot, accessible):
    from onething.datahub.demo import load_datahub_demo
    from onething.datahub.models import DataObjection

    load_datahub_demo()
    sign_in(page, "zhangsan")

    # the preview: every prefilled value with the registry it came from
    page.goto(f"/me/prefill/{NEWBORN}/?a.marital_birth=yes")
    expect(page.get_by_role("heading", name="申请前预览：新生儿出生")).to_be_visible()
    table = page.locator("table.source-table")
    mother = table.get_by_role("row").filter(has_text="母亲姓名")
    assert "刘芳" in mother.inner_text()
    assert "人口库（句容市公安局）" in mother.inner_text()
    assert "以登记为准" in mother.inner_text()
    place = table.get_by_role("row").filter(has_text="出生地点")
    assert "句容市人民医院" in place.inner_text()
    assert "出生医学证明信息（句容市卫生健康委员会）" in place.inner_text()
    marriage = table.get_by_role("row").filter(has_text="结婚证字号")
    assert "婚姻登记信息（句容市民政局）" in marriage.inner_text()
    expect(page.get_by_role("heading", name="需要您在申请表中填写的信息（10项）")).to_be_visible()
    screenshot("60-prefill-preview")
    accessible(page)

    # an objection to the household address, from the preview
    address = table.get_by_role("row").filter(has_text="落户地址")
    address.locator("summary").click()
    address.get_by_label("“落户地址”应为").fill("江苏省句容市华阳街道华阳南路18号3幢2单元302室")
    address.get_by_label("异议理由").fill("门牌号登记错了，房产证上是302室。")
    screenshot("61-prefill-objection-form")
    address.get_by_role("button", name="提交数据异议").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已提交对“落户地址”的数据异议")).to_be_visible()
    assert DataObjection.objects.filter(element="applicant_household_address").exists()
    screenshot("62-prefill-objection-raised")

    # the data tracker: who read my data, when, which fields and why
    page.goto("/me/data-access/")
    expect(page.get_by_role("heading", name="我的数据使用记录")).to_be_visible()
    log = page.locator("table.access-log")
    expect(
        log.get_by_text("从人口库读取您的姓名、公民身份号码、民族、户籍地址").first
    ).to_be_visible()
    expect(log.get_by_text("办理“新生儿出生”：申请前预览预填信息").first).to_be_visible()
    expect(log.get_by_text("句容市卫生健康委员会").first).to_be_visible()
    expect(page.get_by_role("heading", name="我提出的数据异议")).to_be_visible()
    screenshot("63-data-access")
    accessible(page)

    # the providing department (句容市公安局) sees the objection and its statistics
    page.context.clear_cookies()
    sign_in(page, "approver")
    page.goto("/staff/data/objections/")
    expect(page.get_by_role("heading", name="数据异议处理")).to_be_visible()
    card = page.locator("article.objection-card").first
    assert "落户地址" in card.inner_text() and "302室" in card.inner_text()
    expect(page.get_by_role("heading", name="数据质量统计")).to_be_visible()
    screenshot("64-staff-data-objections")
    accessible(page)
