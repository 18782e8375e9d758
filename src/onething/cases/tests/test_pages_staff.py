"""Staff pages through the test client: the pre-review queue, the case page and its actions,
the approver inbox and task page, uploaded files and notices."""

import re

import pytest
from django.urls import reverse

from onething.accounts.models import StaffRole
from onething.cases.models import Correction
from onething.cases.services import application_accept, correction_issue, task_decide
from onething.cases.workflow import AppState, TaskState

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    def sign_in(name):
        client.force_login(user(name))
        return client

    return sign_in


def case_url(application, action=""):
    name = f"cases:staff_case_{action}" if action else "cases:staff_case"
    return reverse(name, args=[application.number])


def task_named(application, name):
    return application.tasks.get(item_name=name)


# ---------------------------------------------------------------- queue


def test_the_queue_shows_only_the_users_scope(submit, signed_in, make_staff, client):
    home = submit("zhangsan")  # 句容 applicant
    away = submit("lisi")  # 江宁 household: 通办地受理、归属地审批
    page = signed_in("clerk").get(reverse("cases:staff_queue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert home.number in body and away.number in body
    assert "待受理" in body and "受理期限" in body

    jiangning_clerk = make_staff("320115", "govservice", StaffRole.WINDOW_CLERK)
    client.force_login(jiangning_clerk)
    body = client.get(reverse("cases:staff_queue")).content.decode()
    assert away.number in body and home.number not in body

    other_coordinator = make_staff("321183", "police", StaffRole.COORDINATOR)
    client.force_login(other_coordinator)
    body = client.get(reverse("cases:staff_queue")).content.decode()
    assert home.number not in body and away.number not in body


def test_the_queue_is_not_for_approvers_or_applicants(submit, signed_in):
    submit()
    assert signed_in("approver").get(reverse("cases:staff_queue")).status_code == 403
    assert signed_in("zhangsan").get(reverse("cases:staff_queue")).status_code == 403


def test_the_queue_filters_by_status(submit, signed_in, user, on_a_workday):
    waiting, accepted = submit(), submit()
    application_accept(application=accepted, actor=user("coord"))
    client = signed_in("clerk")
    default = client.get(reverse("cases:staff_queue")).content.decode()
    assert waiting.number in default and accepted.number not in default
    done = client.get(reverse("cases:staff_queue"), {"status": "accepted"}).content.decode()
    assert accepted.number in done and waiting.number not in done
    assert "办结期限" in done


def test_the_queue_finds_an_application_by_any_part_of_its_number(submit, signed_in):
    first, second = submit(), submit()
    client = signed_in("clerk")
    url = reverse("cases:staff_queue")
    tail = client.get(url, {"status": "all", "q": second.number[-7:]}).content.decode()
    assert second.number in tail and first.number not in tail
    lower = client.get(url, {"status": "all", "q": second.number[:9].lower()}).content.decode()
    assert first.number in lower and second.number in lower


def test_the_number_search_can_use_the_trigram_index_on_postgresql(submit):
    from django.db import connection

    from onething.cases.models import Application

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's; SQLite scans")
    submit()
    with connection.cursor() as cursor:
        # a test table is too small for the planner to choose the index by itself: leave it
        # nothing else but a full scan, so that the plan shows whether the index serves the
        # search's condition (at a million rows it is chosen: docs/benchmarks/lists.md)
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        plan = Application.objects.filter(number__contains="0000001").order_by().explain()
    assert "application_number_trgm" in plan


# ---------------------------------------------------------------- the case page


def test_the_case_page_masks_personal_numbers(submit, signed_in):
    application = submit()
    page = signed_in("clerk").get(case_url(application))
    body = page.content.decode()
    assert page.status_code == 200
    assert "测试新生儿姓名" in body and "13812345678" not in body and "138****5678" in body
    assert "321183199003151094" not in body and "3211**********1094" in body
    assert "新生儿出生医学记录（助产机构提供）" in body
    assert "受理" in body and "一次性告知补正" in body and "不予受理" in body


def test_the_case_pages_timeline_speaks_of_the_applicant_not_to_them(submit, signed_in, user):
    application = submit()
    correction_issue(
        application=application,
        actor=user("clerk"),
        deficiencies=[{"kind": "material", "target": "近期免冠证件照片", "reason": "照片模糊"}],
    )
    body = signed_in("clerk").get(case_url(application)).content.decode()
    assert "申请人提交申请" in body and "已一次性告知补正" in body
    assert "您的申请已提交" not in body and "需要您补正" not in body


def test_applicants_and_staff_out_of_scope_do_not_see_the_case(submit, signed_in):
    application = submit()
    assert signed_in("zhangsan").get(case_url(application)).status_code == 404
    assert signed_in("approver_jn").get(case_url(application)).status_code == 404


def test_the_clerk_accepts(submit, signed_in, on_a_workday):
    application = submit()
    client = signed_in("clerk")
    response = client.post(case_url(application, "accept"))
    assert response.status_code == 302 and response["Location"] == case_url(application)
    application.refresh_from_db()
    assert application.status == AppState.ACCEPTED and application.tasks.count() == 9
    body = client.get(case_url(application)).content.decode()
    assert "已受理" in body and "受理通知书" in body
    assert "出生医学证明首次签发" in body and "句容市公安局" in body
    assert 'action="' + case_url(application, "accept") not in body  # no second acceptance


def test_accepting_twice_shows_the_error_plainly(submit, signed_in, user, on_a_workday):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    response = signed_in("clerk").post(case_url(application, "accept"))
    assert response.status_code == 409
    assert "当前状态下不能进行“受理”操作。" in response.content.decode()


def test_refusing_needs_a_reason(submit, signed_in):
    application = submit()
    client = signed_in("clerk")
    response = client.post(case_url(application, "refuse"), {"reason": "  "})
    assert response.status_code == 400
    assert "请写明不予受理的理由。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == AppState.SUBMITTED

    response = client.post(case_url(application, "refuse"), {"reason": "不属于本市受理范围"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == AppState.REFUSED
    body = client.get(case_url(application)).content.decode()
    assert "不予受理通知书" in body and "不属于本市受理范围" in body


def test_a_correction_with_two_deficiencies_is_one_notice(submit, signed_in):
    application = submit()
    client = signed_in("clerk")
    response = client.post(
        case_url(application, "correction"),
        {
            "what": ["field:child_name", "material:近期免冠证件照片", ""],
            "item": ["000709105001", "", ""],
            "reason": ["姓名有错别字", "照片背景应为白色", ""],
        },
    )
    assert response.status_code == 302
    notice = Correction.objects.get(application=application)
    assert notice.deficiencies == [
        {"kind": "field", "target": "child_name", "item": "出生登记", "reason": "姓名有错别字"},
        {
            "kind": "material",
            "target": "近期免冠证件照片",
            "item": "社会保障卡申领",
            "reason": "照片背景应为白色",
        },
    ]
    application.refresh_from_db()
    assert application.status == AppState.CORRECTION
    body = client.get(case_url(application)).content.decode()
    assert "等待申请人补正" in body and "新生儿姓名" in body and "照片背景应为白色" in body
    assert "补正告知书" in body


def test_a_deficiency_without_a_reason_issues_nothing(submit, signed_in):
    application = submit()
    response = signed_in("clerk").post(
        case_url(application, "correction"),
        {
            "what": ["field:child_name", "field:mother_name"],
            "item": ["", ""],
            "reason": ["错字", ""],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "第2项请选择需要补正的内容并写明理由。" in body
    assert 'value="错字"' in body  # what was typed is kept
    assert not Correction.objects.exists()


def test_one_more_deficiency_row(submit, signed_in):
    application = submit()
    client = signed_in("clerk")
    fragment = client.get(case_url(application, "correction_row")).content.decode()
    assert fragment.count("<fieldset") == 1 and "field:child_name" in fragment
    # without htmx, the same button posts the form and gets it back with one more row
    page = client.post(
        case_url(application, "correction"),
        {"what": ["field:child_name"], "item": [""], "reason": ["错字"], "more": "1"},
    )
    assert page.status_code == 200 and not Correction.objects.exists()
    assert page.content.decode().count('<fieldset class="deficiency">') == 2


def test_the_lead_department_sees_cross_region_tasks(demo, newborn_guide, signed_in, user):
    from onething.cases.services import application_submit
    from onething.cases.tests.conftest import NEWBORN
    from onething.cases.tests.factories import submission

    application = application_submit(
        actor=user("lisi"), submission=submission(newborn_guide, NEWBORN)
    )
    application_accept(application=application, actor=user("coord"))
    body = signed_in("coord").get(case_url(application)).content.decode()
    assert "牵头部门全案视图" in body
    assert "跨区域（通办地受理、归属地审批）" in body
    assert "南京市公安局江宁分局" in body


# ---------------------------------------------------------------- files


def test_uploaded_files_only_for_staff_in_scope(submit, signed_in):
    application = submit()
    material = application.materials.exclude(file="").first()
    url = reverse("cases:staff_material", args=[application.number, material.pk])
    response = signed_in("clerk").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert signed_in("lisi").get(url).status_code == 404  # another applicant
    assert signed_in("zhangsan").get(url).status_code == 404  # staff pages are for staff
    assert signed_in("approver_jn").get(url).status_code == 404  # staff out of scope


# ---------------------------------------------------------------- inbox and decisions


@pytest.fixture
def accepted(submit, user, on_a_workday):
    application = submit()
    application_accept(application=application, actor=user("coord"))
    return application


def test_the_inbox_lists_the_departments_released_tasks(accepted, signed_in):
    body = signed_in("coord").get(reverse("cases:staff_inbox")).content.decode()
    assert "出生医学证明首次签发" in body and accepted.number in body
    assert "出生登记" not in body  # another department's task
    police = signed_in("approver").get(reverse("cases:staff_inbox")).content.decode()
    assert "出生登记" not in police  # waiting for its predecessors
    waiting = signed_in("approver").get(reverse("cases:staff_inbox"), {"status": "waiting"})
    assert "出生登记" in waiting.content.decode()


def test_the_inbox_marks_overdue_tasks(accepted, signed_in, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 20))
    client = signed_in("coord")
    body = client.get(reverse("cases:staff_inbox"), {"due": "overdue"}).content.decode()
    assert "出生医学证明首次签发" in body and "row-red" in body and "已超期" in body
    today = client.get(reverse("cases:staff_inbox"), {"due": "today"}).content.decode()
    assert "出生医学证明首次签发" not in today


def test_the_inbox_is_for_approvers(demo, signed_in):
    assert signed_in("clerk").get(reverse("cases:staff_inbox")).status_code == 403


def test_an_approver_of_another_department_gets_404(accepted, signed_in):
    task = task_named(accepted, "出生医学证明首次签发")
    url = reverse("cases:staff_task", args=[task.pk])
    assert signed_in("approver_hrss").get(url).status_code == 404
    assert signed_in("approver_jn").post(url, {"decision": "approve"}).status_code == 404
    task.refresh_from_db()
    assert task.status == TaskState.RELEASED


def test_the_approver_decides_on_the_task_page(accepted, signed_in):
    task = task_named(accepted, "出生医学证明首次签发")
    url = reverse("cases:staff_task", args=[task.pk])
    client = signed_in("coord")
    page = client.get(url).content.decode()
    assert "作出决定" in page and f'name="revision" value="{task.revision}"' in page
    assert "13812345678" not in page
    rejected = client.post(url, {"decision": "reject", "opinion": "", "revision": task.revision})
    assert rejected.status_code == 400 and "不予或退回时须写明理由。" in rejected.content.decode()
    response = client.post(url, {"decision": "approve", "opinion": "", "revision": task.revision})
    assert response.status_code == 302 and response["Location"] == reverse("cases:staff_inbox")
    task.refresh_from_db()
    assert task.status == TaskState.APPROVED
    assert (
        "已办理：出生医学证明首次签发" in client.get(reverse("cases:staff_inbox")).content.decode()
    )


def test_a_stale_form_gets_the_conflict_message(accepted, signed_in, user):
    task = task_named(accepted, "出生医学证明首次签发")
    url = reverse("cases:staff_task", args=[task.pk])
    client = signed_in("coord")
    seen = int(re.search(r'name="revision" value="(\d+)"', client.get(url).content.decode())[1])
    task_decide(task=task, actor=user("coord"), decision="approve", opinion="")  # someone else
    response = client.post(url, {"decision": "reject", "opinion": "不符合", "revision": seen})
    assert response.status_code == 409
    assert "这件办件已被其他人处理，请刷新后查看。" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskState.APPROVED


def test_predecessor_results_show_on_the_task_page(accepted, signed_in, user):
    task_decide(
        task=task_named(accepted, "出生医学证明首次签发"),
        actor=user("coord"),
        decision="approve",
        opinion="材料齐全",
    )
    task_decide(
        task=task_named(accepted, "婚姻登记信息核验"),
        actor=user("admin"),
        decision="approve",
        opinion="",
    )
    police = task_named(accepted, "出生登记")
    assert police.status == TaskState.RELEASED
    page = signed_in("approver").get(reverse("cases:staff_task", args=[police.pk]))
    body = page.content.decode()
    assert "前序事项的结果" in body and "材料齐全" in body and "婚姻登记信息核验" in body
    assert "作出决定" in body


# ---------------------------------------------------------------- notices


def test_notices_for_staff_and_for_the_applicant_only(accepted, signed_in):
    staff = reverse("cases:staff_notice", args=[accepted.number, "acceptance"])
    response = signed_in("clerk").get(staff)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    mine = reverse("cases:applicant_notice", args=[accepted.number, "acceptance"])
    assert signed_in("zhangsan").get(mine).content.startswith(b"%PDF")
    assert signed_in("lisi").get(mine).status_code == 404
    missing = reverse("cases:staff_notice", args=[accepted.number, "refusal"])
    assert signed_in("clerk").get(missing).status_code == 404
