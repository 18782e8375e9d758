"""The one-time guide in a real browser: answering, choosing items, the metrics table, the
editor's preview and publishing with a diff."""

import pytest
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in

pytestmark = pytest.mark.browser


def test_guide_answers_and_choices_update_in_place(page, demo_platform, screenshot, accessible):
    page.goto("/one-things/JS-2022-07/")
    expect(page.get_by_role("heading", name="新生儿出生")).to_be_visible()
    expect(page.locator("svg.flowchart")).to_be_visible()
    expect(page.get_by_text("免于提交的材料")).to_be_visible()
    screenshot("10-guide-newborn")
    accessible(page)

    guide = page.locator("#guide")
    assert guide.get_by_text("民族成份申请").count() == 0
    page.get_by_role("group", name="父母双方民族是否相同？").get_by_label("不同").check()
    guide.get_by_text("民族成份申请").first.wait_for()

    # choosing 出生登记 without 出生医学证明首次签发 is explained, not silently accepted
    page.get_by_label("出生医学证明首次签发").uncheck()
    guide.get_by_text("需要先办理").wait_for()
    expect(guide.get_by_role("alert")).to_be_visible()
    screenshot("11-guide-missing-predecessor")
    page.get_by_label("出生医学证明首次签发").check()
    guide.get_by_text("个事项一次办").wait_for()


def test_metrics_table(page, demo_platform, screenshot, accessible):
    page.goto("/metrics/")
    expect(page.get_by_role("heading", name="减材料、减环节、减时限、减跑动")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="新生儿出生")
    assert "22→4" in row.inner_text()
    screenshot("12-metrics")
    accessible(page)


def test_editor_previews_and_publishes_with_a_diff(page, demo_platform, screenshot):
    from onething.catalog.models import OneThing, ServiceItem

    newborn = OneThing.objects.get(seq=7)
    item = newborn.entries.get(item__name="科学育儿指导服务登记").item
    ServiceItem.objects.filter(pk=item.pk).update(promised_days=10)

    sign_in(page, "editor")
    page.goto(f"/one-things/{newborn.code}/preview/")
    expect(page.get_by_text("群众看不到")).to_be_visible()
    screenshot("13-editor-preview")

    page.goto("/admin/catalog/onething/")
    page.get_by_role("row").filter(has_text="新生儿出生").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("edit")
    page.get_by_role("button", name="执行").or_(page.get_by_role("button", name="Go")).click()
    page.get_by_role("row").filter(has_text="新生儿出生").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("submit")
    page.get_by_role("button", name="执行").or_(page.get_by_role("button", name="Go")).click()
    page.get_by_role("row").filter(has_text="新生儿出生").get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="执行").or_(page.get_by_role("button", name="Go")).click()
    expect(page.get_by_role("heading", name="确认发布").first).to_be_visible()
    expect(page.get_by_text("promised_days").first).to_be_visible()
    screenshot("14-publish-diff")
    page.get_by_role("button", name="确认发布").click()
    screenshot("15-published")
    expect(page.locator(".messagelist").get_by_text("已发布")).to_be_visible()
    assert newborn.versions.count() == 2
