"""Rating once, the rectification a bad rating opens, replies, return visits, re-rating and
appeals — through the services, hitting the database."""

import datetime as dt

import pytest

from onething.accounts.models import StaffRole
from onething.audit.chain import verify_application
from onething.audit.models import Event
from onething.cases.services import task_decide
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.notify.models import Message
from onething.org.models import Window
from onething.ratings.models import Rating, Rectification, Target
from onething.ratings.selectors import ratings_in_effect
from onething.ratings.services import (
    appeal_decide,
    rating_submit,
    rectification_appeal,
    rectification_reply,
    rectification_return_visit,
)

S = Rectification.Status
DUE = dt.date(2026, 3, 23)  # 15 working days after Monday 2 March 2026


def bad(actor, **target):
    return rating_submit(actor=actor, level=2, tags=["多次跑动"], comment="跑了三次", **target)


def test_only_the_applicant_rates_and_only_what_is_decided(accepted, user, clock):
    application = accepted()
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=user("zhangsan"), level=5, application=application)
    assert caught.value.code == "application_not_decided" and "办结后" in caught.value.message

    first = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=first, actor=user("coord"), decision="approve", opinion="")
    rating = rating_submit(actor=user("zhangsan"), level=5, tags=["办事效率高"], task=first)
    assert rating.target == Target.TASK and rating.application == application
    waiting = application.tasks.get(item_name="出生登记")
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=user("zhangsan"), level=4, task=waiting)
    assert caught.value.code == "task_not_decided" and "出生登记" in caught.value.message


def test_nobody_but_the_applicant_may_rate(decided, user, clock):
    application = decided()
    for other in ("lisi", "coord", "clerk"):
        with pytest.raises(PermissionDenied) as caught:
            rating_submit(actor=user(other), level=1, comment="差", application=application)
        assert caught.value.code == "not_applicant"
    assert not Rating.objects.exists()
    rating_submit(actor=user("zhangsan"), level=5, application=application)


def test_a_second_rating_of_the_same_thing_is_refused(decided, user, clock):
    application = decided()
    zhangsan = user("zhangsan")
    rating_submit(actor=zhangsan, level=5, application=application)
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=zhangsan, level=1, comment="再评一次", application=application)
    assert caught.value.code == "already_rated" and "一事一评" in caught.value.message

    task = application.tasks.get(item_name="出生登记")
    rating_submit(actor=zhangsan, level=4, task=task)
    with pytest.raises(Conflict):
        rating_submit(actor=zhangsan, level=4, task=task)

    window = Window.objects.get(code="JR-HY-01")
    today = dt.date(2026, 3, 2)
    rating_submit(actor=zhangsan, level=5, window=window, service_date=today, channel="window")
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=zhangsan, level=3, window=window, service_date=today)
    assert "一次一评" in caught.value.message
    rating_submit(actor=zhangsan, level=5, window=window, service_date=dt.date(2026, 2, 27))
    rating_submit(actor=user("lisi"), level=5, window=window, service_date=today)
    assert Rating.objects.count() == 5


def test_reasons_go_with_the_level_and_a_bad_rating_needs_one(decided, user, clock):
    application = decided()
    zhangsan = user("zhangsan")
    with pytest.raises(ValidationFailed) as caught:
        rating_submit(actor=zhangsan, level=2, tags=["服务态度好"], application=application)
    assert caught.value.code == "tags_not_for_level" and "服务态度好" in caught.value.message
    with pytest.raises(ValidationFailed) as caught:
        rating_submit(actor=zhangsan, level=1, application=application)
    assert caught.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as caught:
        rating_submit(actor=zhangsan, level=9, application=application)
    assert caught.value.code == "level_invalid"
    with pytest.raises(ValidationFailed):
        rating_submit(actor=zhangsan, level=5, channel="fax", application=application)
    assert not Rating.objects.exists()


def test_a_bad_rating_opens_a_rectification_where_it_belongs(decided, user, clock):
    application = decided()
    zhangsan = user("zhangsan")

    on_case = bad(zhangsan, application=application)
    police = application.tasks.get(item_name="出生登记")
    on_task = rating_submit(actor=zhangsan, level=1, tags=["超时办理"], task=police)
    on_window = bad(
        zhangsan, window=Window.objects.get(code="JR-HY-01"), service_date=clock.now.date()
    )
    good = rating_submit(
        actor=zhangsan, level=4, task=application.tasks.get(item_name="社会保障卡申领")
    )

    assert on_case.rectification.department.name == "句容市卫生健康委员会"  # the lead department
    assert on_task.rectification.department.name == "句容市公安局"  # the task's department
    # a street's community hall answers through its county's 政务办
    assert on_window.rectification.department.name == "句容市政务服务管理办公室"
    assert on_window.department.kind.code == "govservice"
    assert not Rectification.objects.filter(rating=good).exists()
    for rating in (on_case, on_task, on_window):
        assert rating.rectification.status == S.OPEN
        assert rating.rectification.due_date == DUE

    kinds = list(Event.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds.count("rating_submitted") == 3 and kinds.count("rectification_opened") == 2
    opened = Event.objects.filter(application=application, kind="rectification_opened").first()
    assert opened.data["due_date"] == "2026-03-23"
    assert verify_application(application) == []
    staff_told = Message.objects.filter(
        recipient=user("approver"), kind="rating.rectification_opened"
    )
    assert staff_told.exists()


def test_the_deadline_follows_the_setting_and_the_known_calendar(decided, user, clock, settings):
    application = decided()
    settings.ONETHING_RECTIFICATION_DAYS = 5
    rating = bad(user("zhangsan"), application=application)
    assert rating.rectification.due_date == dt.date(2026, 3, 9)

    clock.set(dt.date(2031, 6, 2))  # a year whose holidays nobody has published
    task = application.tasks.get(item_name="出生登记")
    later = bad(user("zhangsan"), task=task)
    assert later.rectification.due_date is None
    event = Event.objects.filter(application=application, kind="rectification_opened").last()
    assert event.data["due_date"] is None and "节假日" in event.data["due_note"]
    told = Message.objects.filter(recipient=user("zhangsan"), kind="rating.rectification_opened")
    assert any("整改期限待节假日安排公布后确定" in m.body for m in told)
    # with no known deadline, a reply is never late
    rectification_reply(rectification=later.rectification, actor=user("approver"), reply="已改进")


def test_the_department_replies_and_the_applicant_is_told(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    with pytest.raises(PermissionDenied) as caught:
        rectification_reply(rectification=rectification, actor=user("approver"), reply="好的")
    assert caught.value.code == "not_department_staff" and "卫生健康委员会" in caught.value.message
    with pytest.raises(ValidationFailed):
        rectification_reply(rectification=rectification, actor=user("coord"), reply="  ")

    replied = rectification_reply(
        rectification=rectification, actor=user("coord"), reply="已在指南中写明材料要求，并电话致歉"
    )
    assert replied.status == S.REPLIED and replied.replied_by == user("coord")
    told = Message.objects.get(
        recipient=user("zhangsan"), kind="rating.rectification_replied", channel="inapp"
    )
    assert "已在指南中写明材料要求" in told.body
    assert told.link == f"/me/applications/{application.number}/rate/"
    with pytest.raises(Conflict) as caught:
        rectification_reply(rectification=rectification, actor=user("coord"), reply="again")
    assert caught.value.code == "already_replied"
    kinds = Event.objects.filter(application=application).values_list("kind", flat=True)
    assert "rectification_replied" in kinds
    assert verify_application(application) == []


def test_a_late_reply_is_refused_naming_the_deadline(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    clock.set(dt.date(2026, 3, 24))
    with pytest.raises(Conflict) as caught:
        rectification_reply(rectification=rectification, actor=user("coord"), reply="迟到的答复")
    assert caught.value.code == "rectification_overdue"
    assert "2026年3月23日" in caught.value.message
    assert caught.value.details["due_date"] == "2026-03-23"
    clock.set(DUE)  # on the last day it is still in time
    rectification_reply(rectification=rectification, actor=user("coord"), reply="按期答复")


def test_a_return_visit_closes_it_and_the_applicant_rates_again(decided, user, clock):
    application = decided()
    zhangsan = user("zhangsan")
    first = bad(zhangsan, application=application)
    rectification = first.rectification
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=zhangsan, level=5, after_rectification=rectification)
    assert caught.value.code == "rectification_not_closed"
    with pytest.raises(Conflict) as caught:
        rectification_return_visit(rectification=rectification, actor=user("coord"), satisfied=True)
    assert caught.value.code == "not_replied"

    rectification_reply(rectification=rectification, actor=user("coord"), reply="已整改")
    with pytest.raises(PermissionDenied):
        rectification_return_visit(
            rectification=rectification, actor=user("approver"), satisfied=True
        )
    # the region's supervisor may make the return visit too
    closed = rectification_return_visit(
        rectification=rectification, actor=user("supervisor"), satisfied=False, note="仍觉得麻烦"
    )
    assert closed.status == S.CLOSED and closed.return_visit_satisfied is False
    assert closed.return_visit_by == user("supervisor") and closed.return_visit_at is not None
    assert Message.objects.filter(recipient=zhangsan, kind="rating.rectification_closed").exists()

    with pytest.raises(PermissionDenied):
        rating_submit(actor=user("lisi"), level=5, after_rectification=rectification)
    again = rating_submit(
        actor=zhangsan, level=1, tags=["办事流程繁琐"], after_rectification=rectification
    )
    assert again.supersedes == first and again.target == Target.APPLICATION
    assert again.rectification.status == S.OPEN  # still bad: a new rectification
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=zhangsan, level=5, after_rectification=rectification)
    assert caught.value.code == "already_rerated"
    with pytest.raises(Conflict) as caught:
        rating_submit(actor=zhangsan, level=5, application=application)
    assert caught.value.code == "already_rated"
    assert list(ratings_in_effect().filter(application=application)) == [again]
    kinds = list(Event.objects.filter(application=application).values_list("kind", flat=True))
    assert [k for k in kinds if not k.endswith("_refused")][-4:] == [
        "rectification_replied",
        "rectification_visited",
        "rating_resubmitted",
        "rectification_opened",
    ]
    # each refusal above is on the timeline too (test_refusals.py)
    assert kinds.count("rating_refused") == 3 and kinds.count("rectification_refused") == 1
    assert verify_application(application) == []


def test_an_appeal_rejected_adds_the_paused_days_then_the_department_replies(
    decided, user, clock, make_staff
):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    with pytest.raises(PermissionDenied):
        rectification_appeal(rectification=rectification, actor=user("approver"), reason="无关")
    with pytest.raises(ValidationFailed):
        rectification_appeal(rectification=rectification, actor=user("coord"), reason="")
    appealed = rectification_appeal(
        rectification=rectification, actor=user("coord"), reason="申请人评价的是医院的服务"
    )
    assert appealed.status == S.APPEALED
    assert Message.objects.filter(recipient=user("supervisor"), kind="rating.appeal_filed").exists()
    with pytest.raises(Conflict) as caught:
        rectification_reply(rectification=rectification, actor=user("coord"), reply="答复")
    assert caught.value.code == "appeal_pending"

    elsewhere = make_staff("320115", "govservice", StaffRole.SUPERVISOR)
    for outsider in (elsewhere, user("coord")):
        with pytest.raises(PermissionDenied):
            appeal_decide(rectification=rectification, actor=outsider, upheld=True, note="成立")

    clock.set(dt.date(2026, 3, 5))  # three working days later
    decided_appeal = appeal_decide(
        rectification=rectification, actor=user("supervisor"), upheld=False, note="评价属实"
    )
    assert decided_appeal.status == S.APPEAL_REJECTED
    assert decided_appeal.due_date == dt.date(2026, 3, 26)  # 23 March + 3 working days
    with pytest.raises(Conflict) as caught:
        rectification_appeal(rectification=rectification, actor=user("coord"), reason="再申诉")
    assert caught.value.code == "appeal_already_decided"
    replied = rectification_reply(rectification=rectification, actor=user("coord"), reply="已整改")
    assert replied.status == S.REPLIED
    kinds = Event.objects.filter(application=application).values_list("kind", flat=True)
    assert {"rectification_appealed", "rectification_appeal_decided"} <= set(kinds)
    assert verify_application(application) == []


def test_an_upheld_appeal_takes_the_rating_out_of_the_figures(decided, user, clock):
    application = decided()
    task = application.tasks.get(item_name="出生登记")
    rating = bad(user("zhangsan"), task=task)
    rectification_appeal(
        rectification=rating.rectification, actor=user("approver"), reason="与本部门无关"
    )
    upheld = appeal_decide(
        rectification=rating.rectification, actor=user("supervisor"), upheld=True, note="成立"
    )
    assert upheld.status == S.APPEAL_UPHELD
    assert not ratings_in_effect().filter(pk=rating.pk).exists()
    with pytest.raises(Conflict):
        rectification_reply(rectification=rating.rectification, actor=user("approver"), reply="x")


def test_an_appeal_on_a_closed_rectification_is_refused(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    rectification_reply(rectification=rectification, actor=user("coord"), reply="已整改")
    with pytest.raises(Conflict) as caught:
        rectification_appeal(rectification=rectification, actor=user("coord"), reason="晚了")
    assert caught.value.code == "already_replied"
    rectification_return_visit(rectification=rectification, actor=user("coord"), satisfied=True)
    with pytest.raises(Conflict) as caught:
        rectification_appeal(rectification=rectification, actor=user("coord"), reason="不合理")
    assert caught.value.code == "rectification_closed"
    assert "回访办结" in caught.value.message and caught.value.message_en
    assert Rectification.objects.get(pk=rectification.pk).status == S.CLOSED


def test_an_appeal_after_the_deadline_is_refused(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    clock.set(dt.date(2026, 3, 24))
    with pytest.raises(Conflict) as caught:
        rectification_appeal(rectification=rectification, actor=user("coord"), reason="不合理")
    assert caught.value.code == "rectification_overdue" and "2026年3月23日" in caught.value.message


def test_the_rate_link_is_offered_to_the_applicant_once_something_is_decided(accepted, user, clock):
    from onething.ratings.selectors import may_rate

    application = accepted()
    assert not may_rate(application, user("zhangsan"))
    first = application.tasks.get(item_name="出生医学证明首次签发")
    task_decide(task=first, actor=user("coord"), decision="approve", opinion="")
    assert may_rate(application, user("zhangsan"))
    assert not may_rate(application, user("coord")) and not may_rate(application, user("lisi"))
