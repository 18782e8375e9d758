"""The bad input of the issue — a second rating of the same thing, a rectification reply after
its deadline, an appeal on a closed rectification — is refused with a clear message in Chinese
and English, and the refusal is recorded on the application's timeline (the hash chain stays
whole) even though the refused change itself is rolled back."""

import datetime as dt

import pytest

from onething.audit.chain import verify_application
from onething.audit.models import Event
from onething.cases.timeline import timeline_for
from onething.core.errors import Conflict, PermissionDenied
from onething.ratings.models import Rating, Rectification
from onething.ratings.services import (
    rating_submit,
    rectification_appeal,
    rectification_reply,
    rectification_return_visit,
)
from onething.ratings.tests.test_services import bad


def refusals(application, kind):
    return list(Event.objects.filter(application=application, kind=kind).order_by("seq"))


def test_a_second_rating_is_refused_and_recorded(decided, user, clock):
    application = decided()
    zhangsan = user("zhangsan")
    rating_submit(actor=zhangsan, level=5, application=application)

    with pytest.raises(Conflict) as caught:
        rating_submit(actor=zhangsan, level=1, comment="再评一次", application=application)

    assert caught.value.code == "already_rated" and caught.value.message_en
    [event] = refusals(application, "rating_refused")
    assert event.reason == caught.value.message and event.actor == zhangsan
    assert event.data["code"] == "already_rated"
    assert event.data["message_en"] == caught.value.message_en
    assert Rating.objects.filter(application=application).count() == 1
    assert verify_application(application) == []
    # the applicant reads it in plain words on their timeline
    words = [row["what"] for row in timeline_for(application, for_staff=False)]
    assert "评价未被受理" in words


def test_a_late_reply_is_refused_and_recorded(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    clock.set(dt.date(2026, 3, 24))  # the day after the deadline

    with pytest.raises(Conflict) as caught:
        rectification_reply(rectification=rectification, actor=user("coord"), reply="迟到的答复")

    assert caught.value.code == "rectification_overdue" and "2026年3月23日" in caught.value.message
    [event] = refusals(application, "rectification_refused")
    assert event.reason == caught.value.message and event.actor == user("coord")
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN and rectification.reply == ""
    assert verify_application(application) == []


def test_an_appeal_on_a_closed_rectification_is_refused_and_recorded(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    rectification_reply(rectification=rectification, actor=user("coord"), reply="已整改")
    rectification_return_visit(rectification=rectification, actor=user("coord"), satisfied=True)

    with pytest.raises(Conflict) as caught:
        rectification_appeal(rectification=rectification, actor=user("coord"), reason="不合理")

    assert caught.value.code == "rectification_closed"
    [event] = refusals(application, "rectification_refused")
    assert event.data["code"] == "rectification_closed" and event.reason == caught.value.message
    staff_words = [row["what"] for row in timeline_for(application, for_staff=True)]
    assert staff_words[-1] == "整改操作未被受理"
    assert verify_application(application) == []


def test_someone_not_entitled_leaves_no_trace(decided, user, clock):
    application = decided()
    rectification = bad(user("zhangsan"), application=application).rectification
    with pytest.raises(PermissionDenied):
        rectification_reply(rectification=rectification, actor=user("lisi"), reply="冒充")
    assert refusals(application, "rectification_refused") == []
