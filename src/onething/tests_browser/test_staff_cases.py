"""Staff pages in a real browser: the window's pre-review queue, one correction notice,
acceptance, and the departments deciding their tasks in parallel (screenshots 30–39)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in

pytestmark = pytest.mark.browser

NEWBORN = "JS-2022-07"


def submitted_newborn(username: str = "zhangsan"):
    from onething.accounts.models import User
    from onething.cases.services import application_submit
    from onething.cases.tests.factories import submission
    from onething.catalog.guide import compute_guide
    from onething.catalog.selectors import version_current

    guide = compute_guide(version_current(NEWBORN).snapshot, start=timezone.localdate())
    return application_submit(
        actor=User.objects.get(username=username), submission=submission(guide, NEWBORN)
    )


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")


def test_window_pre_review_then_parallel_decisions(page, demo_platform, screenshot, accessible):
    from onething.accounts.models import User
    from onething.cases.models import Correction
    from onething.cases.services import Upload, correction_answer, task_decide
    from onething.cases.tests.factories import PNG
    from onething.cases.workflow import AppState

    application = submitted_newborn()
    number = application.number

    # the window clerk finds it in the queue
    sign_in(page, "clerk")
    page.get_by_role("link", name="预审队列").click()
    page.wait_for_url("**/staff/cases/")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr", has_text=number)
    expect(row.get_by_text("已提交，待受理")).to_be_visible()
    expect(row.get_by_text("受理期限")).to_be_visible()
    screenshot("30-staff-queue")
    accessible(page)

    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/staff/cases/{number}/")
    expect(page.get_by_role("heading", name="预审：请选择一种处理方式")).to_be_visible()
    assert "13812345678" not in page.content()
    screenshot("31-staff-case")
    accessible(page)

    # one correction notice listing two deficiencies
    page.get_by_text("一次性告知补正", exact=True).click()
    page.get_by_role("button", name="再加一处").click()
    whats = page.locator('select[name="what"]')
    whats.nth(2).wait_for()
    assert whats.count() == 3
    whats.nth(0).select_option("field:child_name")
    page.locator('input[name="reason"]').nth(0).fill("新生儿姓名与出生医学记录不一致，请核对")
    whats.nth(1).select_option("material:近期免冠证件照片")
    page.locator('input[name="reason"]').nth(1).fill("照片背景应为白色")
    screenshot("32-staff-correction-form")
    page.get_by_role("button", name="发出补正告知").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已一次性告知2处需要补正的内容")).to_be_visible()
    expect(page.get_by_role("heading", name="等待申请人补正")).to_be_visible()
    screenshot("33-staff-correction-issued")

    notice = Correction.objects.get(application__number=number)
    assert len(notice.deficiencies) == 2
    correction_answer(
        correction=notice,
        actor=User.objects.get(username="zhangsan"),
        form={"child_name": "张小宝"},
        uploads=[Upload("近期免冠证件照片", "photo.png", PNG)],
    )

    # back in the queue: the clerk accepts
    page.reload()
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已受理，已分送9个事项到各部门办理")).to_be_visible()
    expect(page.get_by_role("link", name="受理通知书")).to_be_visible()
    screenshot("34-staff-accepted")
    sign_out(page)

    # the health commission (lead, also approver) decides its first item
    sign_in(page, "coord")
    page.get_by_role("link", name="待办件").click()
    page.wait_for_url("**/staff/tasks/")
    expect(page.get_by_role("link", name="出生医学证明首次签发")).to_be_visible()
    screenshot("35-approver-inbox")
    accessible(page)

    page.get_by_role("link", name="出生医学证明首次签发").click()
    page.get_by_role("heading", name="作出决定").wait_for()
    screenshot("36-approver-task")
    accessible(page)
    page.get_by_label("准予").check()
    page.get_by_role("button", name="提交决定").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已办理：出生医学证明首次签发")).to_be_visible()

    # 民政 confirms the marriage record (no demo approver there: the platform admin does it)
    task_decide(
        task=application.tasks.get(item_name="婚姻登记信息核验"),
        actor=User.objects.get(username="admin"),
        decision="approve",
        opinion="婚姻登记信息一致",
    )
    page.goto(f"/staff/cases/{number}/")
    expect(page.get_by_role("heading", name="牵头部门全案视图：各部门办理情况")).to_be_visible()
    screenshot("37-lead-case-view")
    sign_out(page)

    # the police now see 出生登记, released after both predecessors were approved
    sign_in(page, "approver")
    page.get_by_role("link", name="待办件").click()
    page.get_by_role("link", name="出生登记").click()
    page.get_by_role("heading", name="前序事项的结果").wait_for()
    expect(page.get_by_text("婚姻登记信息一致")).to_be_visible()
    expect(page.get_by_role("heading", name="作出决定")).to_be_visible()
    screenshot("38-police-task-released")
    application.refresh_from_db()
    assert application.status == AppState.ACCEPTED


def test_the_case_page_on_a_phone(browser, live_server, demo_platform):
    from onething.tests_browser.conftest import SCREENSHOTS

    application = submitted_newborn()
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        device_scale_factor=2,
    )
    phone = context.new_page()
    sign_in(phone, "clerk")
    phone.goto(f"/staff/cases/{application.number}/")
    expect(phone.get_by_role("button", name="受理", exact=True)).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the case page must not scroll sideways on a phone"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "39-staff-case-phone.png"), full_page=True)
    context.close()
