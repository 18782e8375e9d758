"""The supervisor's dashboard and an assessment sheet in a real browser, on the data ``make demo``
loads (the same commands: knowledge base, shared data, demo cases) plus one rating and one 12345
call made through the services. Every figure the pages show is compared with what the selectors
compute from the database; the ECharts charts render from the page's JSON (CSP script-src
'self'); a sheet is scored, evidence uploaded, and the Excel and PDF sheets downloaded
(screenshots 90–96)."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in

pytestmark = pytest.mark.browser

NEWBORN = "JS-2022-07"


def load_make_demo_data() -> None:
    """What ``make demo`` runs after ``org load``, ``catalog load`` and ``demo load`` (the
    ``demo_platform`` fixture), then a day's use: zhangsan rates his finished application and
    calls 12345 about it."""
    from onething.accounts.models import User
    from onething.cases.models import Application
    from onething.hotline.services import ticket_create
    from onething.ratings.services import rating_submit

    for command in (["hotline", "kb", "build"], ["datahub", "demo"], ["demo", "cases"]):
        call_command(*command, stdout=io.StringIO())
    zhangsan = User.objects.get(username="zhangsan")
    finished = Application.objects.get(person__user=zhangsan, status__in=["decided", "delivered"])
    rating_submit(actor=zhangsan, level=5, tags=["一次办成"], application=finished)
    ticket_create(
        actor=User.objects.get(username="hotline"),
        type="inquiry",
        content="出生医学证明的电子证照在哪里查看？",
        caller_name="张三",
        caller_phone="13812345678",
        application_number=str(finished.number),
    )


def card(page, label: str) -> str:
    return page.locator(".insight-cards li", has_text=label).locator(".stat").inner_text().strip()


def cells(row) -> list[str]:
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_dashboard_and_assessment_sheet_show_the_demo_figures(
    page, demo_platform, screenshot, accessible
):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from onething.accounts.models import User
    from onething.cases.models import Application
    from onething.cases.tests.factories import PNG
    from onething.insight.assessment import assessment_sheet
    from onething.insight.periods import current_quarter
    from onething.insight.selectors import Filters, insight_summary
    from onething.insight.templatetags.insight_tags import figure, percent

    load_make_demo_data()
    supervisor = User.objects.get(username="supervisor")
    quarter = current_quarter()
    summary = insight_summary(supervisor, Filters(period=quarter))
    total = summary.total
    # the demo's applications are all in 句容市 this quarter, and the selectors count them all
    assert total.volume == Application.objects.count() == 4
    assert (total.ratings, total.tickets) == (1, 1)
    assert total.tasks > 0 and total.finished == 1

    sign_in(page, "supervisor")
    page.goto("/staff/insight/")
    page.get_by_role("heading", name="“一件事一次办”统计分析").wait_for()
    page.locator("#chart-one-thing svg").first.wait_for()
    for chart in ("chart-one-thing", "chart-channel", "chart-trend", "chart-department"):
        assert page.locator(f"#{chart}[data-rendered=true] svg").count() >= 1, chart

    # the cards show the selectors' figures
    shown = {
        "办件量（件）": str(total.volume),
        "已办结（件）": str(total.finished),
        "按时办结率": percent(total.on_time_rate),
        "平均办结用时（工作日）": figure(total.average_days),
        "补正率": percent(total.correction_rate),
        "超期预警（黄牌 / 红牌）": f"{total.yellow} / {total.red}",
        "一件事模式占比": percent(total.share),
        "好差评": str(total.ratings),
        "12345工单": str(total.tickets),
    }
    for label, expected in shown.items():
        assert card(page, label) == expected, label
    expect(
        page.get_by_text(f"按时办结率（{total.on_time}/{total.decided}个部门办件）")
    ).to_be_visible()

    # and so does every row of the one-thing table
    table = page.get_by_role("table", name="按“一件事”统计")
    for row in summary.by_one_thing:
        line = cells(
            table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row.label))
        )
        assert line[:3] == [str(row.volume), str(row.finished), str(row.tasks)], row.label
        assert line[-2].startswith(str(row.ratings)) and line[-1] == figure(row.tickets)
    newborn_row = next(r for r in summary.by_one_thing if r.label == "新生儿出生")
    assert newborn_row.volume == Application.objects.filter(one_thing__code=NEWBORN).count() == 3
    channels = page.get_by_role("table", name="按受理渠道统计")
    for row in summary.by_channel:
        expect(channels.get_by_role("rowheader", name=row.label)).to_be_visible()
    screenshot("90-insight-dashboard")
    accessible(page)

    # the assessment list for this quarter, then the newborn's sheet
    page.get_by_role("link", name="工作评价").click()
    page.get_by_role("heading", name="“一件事一次办”改革工作评价").wait_for()
    screenshot("91-insight-assessments")
    accessible(page)
    page.get_by_role("link", name="新生儿出生").click()
    page.get_by_role("heading", name="新生儿出生").wait_for()

    # the computed criteria show what the assessment module computes from the same data
    sheet = assessment_sheet(supervisor, NEWBORN, quarter)
    for line in sheet.lines:
        if line.computed:
            box = page.locator(f"#criterion-{line.criterion}")
            assert box.locator(".points").inner_text() == figure(line.score), line.label
            for reason in line.reasons:
                expect(box.get_by_text(reason, exact=True), reason).to_be_visible()
    quality = sheet.line("quality")
    finished_newborns = Application.objects.filter(
        one_thing__code=NEWBORN, status__in=["decided", "delivered"]
    ).count()
    assert quality.reasons[0].startswith(f"本季度办结{finished_newborns}件")
    expect(page.locator("#criterion-quality").get_by_text(quality.reasons[0])).to_be_visible()
    assert page.locator(".sheet-total .stat").inner_text() == figure(sheet.total)
    screenshot("92-insight-sheet")
    accessible(page)

    # score the three entered criteria and save
    page.get_by_label("得分（0–10）").first.fill("8")
    page.locator("#score-publicity").fill("15")
    page.locator("#score-cooperation").fill("9")
    page.get_by_label("评价说明").nth(2).fill("句容市政务服务中心和华阳街道便民服务中心设专窗")
    page.get_by_role("button", name="保存评价表").click()
    page.get_by_text("评价表已保存。").wait_for()
    expect(page.get_by_text("六项均已评分")).to_be_visible()
    saved = assessment_sheet(supervisor, NEWBORN, quarter)
    assert saved.total == sheet.total + 8 + 15 + 9
    assert page.locator(".sheet-total .stat").inner_text() == figure(saved.total)

    # upload a photo of the window as evidence for 线下专窗
    offline = page.locator("#criterion-offline")
    offline.locator("input[type=file]").set_input_files(
        files=[{"name": "专窗照片.png", "mimeType": "image/png", "buffer": PNG}]
    )
    offline.get_by_role("button", name="上传", exact=True).click()
    page.get_by_text("已上传佐证材料").wait_for()
    expect(
        page.locator("#criterion-offline").get_by_role("link", name="专窗照片.png")
    ).to_be_visible()
    screenshot("93-insight-sheet-saved")
    accessible(page)

    # the Excel sheet reads back the same scores
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read())).active
    rows = {row[1]: row for row in workbook.iter_rows(values_only=True) if row[1]}
    assert str(rows["合计"][5]).removesuffix(".0") == figure(saved.total)
    assert rows["线下专窗"][5] == 8 and "专窗照片.png" in rows["线下专窗"][4]
    assert str(rows["运行质量"][5]).removesuffix(".0") == figure(quality.score)
    screenshot("94-insight-sheet-exported")

    # the PDF sheet (served inline, for printing) is fetched with the page's own sign-in: a real
    # PDF naming the one-thing and its total
    href = page.get_by_role("link", name="导出 PDF").get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert ".pdf" in response.headers["content-disposition"]
    pdf = PdfReader(io.BytesIO(response.body()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "新生儿出生" in text and figure(saved.total) in text

    # back on the list, the sheet is complete and its total is the same
    page.goto("/staff/insight/assessment/")
    row = page.get_by_role("row").filter(has_text="新生儿出生")
    expect(row.get_by_text("已评完")).to_be_visible()
    expect(row.get_by_text(figure(saved.total), exact=True).first).to_be_visible()
    screenshot("95-insight-assessments-after")

    # the same dashboard in English reads the same figures
    page.goto("/staff/insight/")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="One-thing statistics").wait_for()
    assert card(page, "Applications") == str(total.volume)
    screenshot("96-insight-dashboard-en")
