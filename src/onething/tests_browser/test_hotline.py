"""12345 in a real browser: an applicant asks the 政务问答台; the hotline agent records a
complaint about a late 新生儿出生 application (the daily deadline check has raised its red
warning), routes it to the lead department as suggested, the department sees the case is overdue
and answers, and the agent closes it and does the return visit (screenshots 80–85)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from onething.tests_browser.test_portal import sign_in
from onething.tests_browser.test_staff_cases import sign_out, submitted_newborn

pytestmark = pytest.mark.browser


def test_a_complaint_travels_the_closed_loop(page, demo_platform, screenshot, accessible):
    from onething.accounts.models import User
    from onething.cases.deadlines import ACTIVE_TASKS, deadlines_check
    from onething.cases.services import application_accept
    from onething.hotline.knowledge import kb_build
    from onething.hotline.models import Ticket

    kb_build()
    application = application_accept(
        application=submitted_newborn(), actor=User.objects.get(username="coord")
    )
    number = application.number
    # the application is late: the daily check, run the day after its open tasks were due,
    # raises red warnings (as ``onething deadlines check --on DAY`` would)
    open_tasks = list(application.tasks.filter(status__in=ACTIVE_TASKS))
    late_day = max(task.due_date for task in open_tasks) + dt.timedelta(days=1)
    assert deadlines_check(late_day)["red"] >= len(open_tasks) > 0
    overdue = {task.item_name for task in open_tasks}

    # anyone asks the 政务问答台 and is led to the one-thing's guide
    page.goto("/help/")
    page.get_by_label("您想问什么？").fill("孩子出生了要办什么")
    page.get_by_role("button", name="提问").click()
    page.get_by_text("第一步：出生医学证明首次签发").wait_for()
    expect(page.get_by_role("link", name="查看“新生儿出生”办事指南，在线申请")).to_be_visible()
    screenshot("80-help-answer")
    accessible(page)

    # the hotline agent records zhangsan's call
    sign_in(page, "hotline")
    page.goto("/staff/hotline/")
    page.get_by_role("heading", name="新建工单（来电）").wait_for()
    page.get_by_label("来电人").fill("张三")
    page.get_by_label("联系电话").fill("13812345678")
    page.get_by_label("类型").select_option("complaint")
    page.get_by_label("诉求内容").fill("孩子出生了，出生登记申请十多天了还没办好，请帮忙催办。")
    page.get_by_label("相关办件编号（可选）").fill(number)
    page.locator("#suggestions").get_by_role("heading", name="新生儿出生要办哪些事？").wait_for()
    screenshot("81-hotline-console")
    accessible(page)
    page.get_by_role("button", name="受理并建单").click()

    # the ticket page suggests the lead department; the agent routes it there
    page.get_by_text("已受理，工单编号").wait_for()
    ticket = Ticket.objects.get()
    expect(page.get_by_text("138****5678")).to_be_visible()
    late = page.locator("#application-overdue").inner_text()
    assert late.startswith("办件已超期：") and set(late.split("：")[1].split("、")) == overdue
    assert "13812345678" not in page.content()
    assert page.get_by_label("承办部门").input_value() == str(
        ticket.region.departments.get(kind__code="health").pk
    )
    screenshot("82-hotline-ticket-route")
    accessible(page)
    page.get_by_role("button", name="派单", exact=True).click()
    page.get_by_text("已派单至句容市卫生健康委员会").wait_for()
    sign_out(page)

    # the health commission answers within the deadline
    sign_in(page, "coord")
    page.goto("/staff/hotline/department/")
    page.get_by_role("link", name=ticket.number).click()
    page.get_by_role("heading", name="部门答复").wait_for()
    expect(page.locator("#application-overdue")).to_be_visible()  # the department sees it is late
    page.get_by_role("button", name="签收办理").click()
    page.get_by_text("已签收，请在答复期限内答复").wait_for()
    page.get_by_label("答复内容").fill(
        "已核实：出生医学证明已签发，出生登记已转公安局办理，两个工作日内办结，届时短信通知。"
    )
    screenshot("83-department-answer")
    accessible(page)
    page.get_by_role("button", name="提交答复").click()
    page.get_by_text("已答复，12345热线将审核后办结并回访").wait_for()
    sign_out(page)

    # the agent closes it and calls zhangsan back
    sign_in(page, "hotline")
    page.goto(f"/staff/hotline/tickets/{ticket.number}/")
    page.get_by_role("button", name="审核通过，办结").click()
    page.get_by_role("heading", name="回访评价").wait_for()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("回访记录（不满意时必填）").fill("来电人表示已收到短信，满意。")
    screenshot("84-hotline-return-visit")
    page.get_by_role("button", name="记录回访").click()
    page.get_by_text("已回访，工单闭环").wait_for()
    expect(page.locator(".status").get_by_text("已回访")).to_be_visible()
    screenshot("85-hotline-closed-loop")
    accessible(page)

    ticket.refresh_from_db()
    assert ticket.status == "visited" and ticket.satisfied is True
    assert list(ticket.events.values_list("action", flat=True)) == [
        "receive",
        "assign",
        "claim",
        "answer",
        "close",
        "visit",
    ]

    # the same ticket in English: the loop, the history and the overdue case in plain words
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="12345 ticket · Complaint").wait_for()
    expect(page.get_by_role("heading", name="Processing history")).to_be_visible()
    assert page.locator("#application-overdue").inner_text().startswith("Application overdue:")
    expect(page.locator(".timeline").get_by_text("Return visit", exact=True)).to_be_visible()
    expect(page.locator(".timeline").get_by_text("Intake", exact=True)).to_be_visible()
    screenshot("86-hotline-ticket-en")
    accessible(page)
