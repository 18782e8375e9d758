"""The supervisor's dashboard and an assessment sheet in a real browser: the ECharts charts
render from the page's JSON (CSP script-src 'self'), a sheet is scored, evidence uploaded and
the Excel sheet downloaded (screenshots 90–95)."""

import io

import pytest
from django.utils import timezone

from onething.tests_browser.test_portal import sign_in

pytestmark = pytest.mark.browser

NEWBORN = "JS-2022-07"


def a_few_applications() -> None:
    """This quarter: three online applications, two finished; one at the window, accepted."""
    from onething.accounts.models import Person, User
    from onething.cases.services import application_accept, application_submit, task_decide
    from onething.cases.tests.factories import submission
    from onething.cases.workflow import TaskState
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current

    def user(name):
        return User.objects.get(username=name)

    guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())
    for number in range(3):
        application = application_submit(
            actor=user("zhangsan"), submission=submission(guide, NEWBORN)
        )
        application_accept(application=application, actor=user("coord"))
        if number == 2:
            continue
        while tasks := list(application.tasks.filter(status=TaskState.RELEASED)):
            for task in tasks:
                task_decide(task=task, actor=user("admin"), decision="approve", opinion="")
    window = application_submit(
        actor=user("clerk"),
        submission=submission(guide, NEWBORN),
        on_behalf_of=Person.objects.get(user__username="lisi"),
    )
    application_accept(application=window, actor=user("coord"))


def test_dashboard_and_assessment_sheet(page, demo_platform, screenshot, accessible):
    from openpyxl import load_workbook

    from onething.cases.tests.factories import PNG

    a_few_applications()
    sign_in(page, "supervisor")

    # the dashboard: cards, charts drawn by ECharts (SVG renderer), tables under them
    page.goto("/staff/insight/")
    page.get_by_role("heading", name="“一件事一次办”统计分析").wait_for()
    page.locator("#chart-one-thing svg").first.wait_for()
    for chart in ("chart-one-thing", "chart-channel", "chart-trend", "chart-department"):
        assert page.locator(f"#{chart}[data-rendered=true] svg").count() >= 1, chart
    assert page.locator("#chart-share").inner_text().strip() == "本期没有数据"
    cards = page.get_by_role("list", name="主要指标")
    assert cards.get_by_text("办件量（件）").is_visible()
    table = page.get_by_role("table", name="按“一件事”统计")
    assert table.get_by_role("rowheader", name="新生儿出生").is_visible()
    assert page.get_by_role("table", name="按受理渠道统计").get_by_text("窗口办理").is_visible()
    screenshot("90-insight-dashboard")
    accessible(page)

    # the assessment list for this quarter, then the newborn's sheet
    page.get_by_role("link", name="工作评价").click()
    page.get_by_role("heading", name="“一件事一次办”改革工作评价").wait_for()
    screenshot("91-insight-assessments")
    accessible(page)
    page.get_by_role("link", name="新生儿出生").click()
    page.get_by_role("heading", name="新生儿出生").wait_for()
    assert page.get_by_text("按数据计算").first.is_visible()
    screenshot("92-insight-sheet")
    accessible(page)

    # score the three entered criteria and save
    page.get_by_label("得分（0–10）").first.fill("8")
    page.locator("#score-publicity").fill("15")
    page.locator("#score-cooperation").fill("9")
    page.get_by_label("评价说明").nth(2).fill("句容市政务服务中心和华阳街道便民服务中心设专窗")
    page.get_by_role("button", name="保存评价表").click()
    page.get_by_text("评价表已保存。").wait_for()
    assert page.get_by_text("六项均已评分").is_visible()

    # upload a photo of the window as evidence for 线下专窗
    offline = page.locator("#criterion-offline")
    offline.locator("input[type=file]").set_input_files(
        files=[{"name": "专窗照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    offline.get_by_role("button", name="上传", exact=True).click()
    page.get_by_text("已上传佐证材料").wait_for()
    assert page.locator("#criterion-offline").get_by_role("link", name="专窗照片.png").is_visible()
    screenshot("93-insight-sheet-saved")
    accessible(page)

    # the Excel sheet reads back the same total
    total = page.locator(".sheet-total .stat").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row[1]}
    assert str(rows["合计"][5]).removesuffix(".0") == total
    assert rows["线下专窗"][5] == 8 and "专窗照片.png" in rows["线下专窗"][4]
    screenshot("94-insight-sheet-exported")

    # back on the list, the sheet is complete
    page.goto("/staff/insight/assessment/")
    row = page.get_by_role("row").filter(has_text="新生儿出生")
    assert row.get_by_text("已评完").is_visible()
    screenshot("95-insight-assessments-after")
