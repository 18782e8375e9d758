"""The 好差评 pages with Django's test client: the applicant rates and rates again; department
staff reply, visit and appeal; supervisors decide appeals."""

import datetime as dt

import pytest

from onething.ratings.models import Rating, Rectification

S = Rectification.Status


@pytest.fixture
def signed_in(client, user):
    def sign(name: str):
        client.force_login(user(name))
        return client

    return sign


def rate_url(application) -> str:
    return f"/me/applications/{application.number}/rate/"


def test_the_rate_page_offers_the_application_and_each_decided_task(decided, signed_in, clock):
    application = decided()
    page = signed_in("zhangsan").get(rate_url(application))
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "材料要求不清楚"):
        assert label in html
    assert html.count('name="target"') == 1 + application.tasks.count()
    assert 'value="task-' in html and "出生登记" in html


def test_rating_bad_with_a_tag_opens_a_rectification(decided, signed_in, clock):
    application = decided()
    client = signed_in("zhangsan")
    response = client.post(
        rate_url(application),
        {"target": "application", "level": "2", "tags": ["多次跑动"], "comment": "跑了两次"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert rating.level == 2 and rating.tags == ["多次跑动"] and rating.channel == "web"
    page = client.get(rate_url(application)).content.decode()
    assert "整改情况" in page and "待整改答复" in page and "2026年3月23日" in page
    assert page.count('name="target"') == application.tasks.count()  # no form for it any more
    again = client.post(rate_url(application), {"target": "application", "level": "5"})
    assert again.status_code == 302 and Rating.objects.count() == 1


def test_problems_are_shown_on_the_form(decided, signed_in, clock):
    application = decided()
    client = signed_in("zhangsan")
    page = client.post(
        rate_url(application), {"target": "application", "level": "1", "tags": ["一次办成"]}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "这些原因不适用于" in html and "show-all-tags" in html and 'role="alert"' in html
    missing = client.post(rate_url(application), {"target": "application"})
    assert missing.status_code == 400 and "请选择满意程度" in missing.content.decode()
    assert not Rating.objects.exists()


def test_other_people_cannot_open_the_rate_page(decided, signed_in, clock):
    application = decided()
    assert signed_in("lisi").get(rate_url(application)).status_code == 404


def test_staff_reply_and_visit_then_the_applicant_rates_again(decided, signed_in, clock):
    application = decided()
    applicant = signed_in("zhangsan")
    applicant.post(
        rate_url(application), {"target": "application", "level": "1", "tags": ["超时办理"]}
    )
    rectification = Rectification.objects.get()

    staff = signed_in("coord")
    listing = staff.get("/staff/rectifications/").content.decode()
    assert "新生儿出生" in listing and "非常不满意" in listing and "2026-03-23" in listing
    detail = staff.get(f"/staff/rectifications/{rectification.pk}/").content.decode()
    assert "张三" in detail and "138****5678" in detail and "提交答复" in detail
    reply = staff.post(f"/staff/rectifications/{rectification.pk}/reply/", {"reply": "已整改"})
    assert reply.status_code == 302
    visit = staff.post(
        f"/staff/rectifications/{rectification.pk}/visit/", {"verdict": "yes", "note": "满意"}
    )
    assert visit.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == S.CLOSED and rectification.return_visit_satisfied is True

    applicant = signed_in("zhangsan")
    page = applicant.get(rate_url(application)).content.decode()
    assert "整改之后，您现在满意吗？" in page and "已整改" in page
    again = applicant.post(
        rate_url(application),
        {"target": "application", "level": "4", "tags": ["服务态度好"]},
    )
    assert again.status_code == 302
    newest = Rating.objects.order_by("-pk").first()
    assert newest.supersedes_id == rectification.rating_id and newest.level == 4


def test_a_late_reply_shows_the_deadline(decided, signed_in, clock):
    application = decided()
    signed_in("zhangsan").post(
        rate_url(application), {"target": "application", "level": "2", "tags": ["多次跑动"]}
    )
    rectification = Rectification.objects.get()
    clock.set(dt.date(2026, 3, 24))
    staff = signed_in("coord")
    listing = staff.get("/staff/rectifications/").content.decode()
    assert "已超期" in listing
    late = staff.post(f"/staff/rectifications/{rectification.pk}/reply/", {"reply": "迟了"})
    assert late.status_code == 409 and "2026年3月23日" in late.content.decode()


def test_staff_pages_are_scoped(decided, signed_in, clock):
    application = decided()
    signed_in("zhangsan").post(
        rate_url(application), {"target": "application", "level": "2", "tags": ["多次跑动"]}
    )
    rectification = Rectification.objects.get()
    assert signed_in("zhangsan").get("/staff/rectifications/").status_code == 403
    police = signed_in("approver")
    assert "新生儿出生" not in police.get("/staff/rectifications/?status=all").content.decode()
    assert police.get(f"/staff/rectifications/{rectification.pk}/").status_code == 404
    refused = police.post(f"/staff/rectifications/{rectification.pk}/reply/", {"reply": "x"})
    assert refused.status_code == 404
    assert signed_in("coord").get("/staff/rectifications/appeals/").status_code == 403


def test_appeal_and_the_supervisors_decision(decided, signed_in, clock):
    application = decided()
    signed_in("zhangsan").post(
        rate_url(application), {"target": "application", "level": "2", "tags": ["多次跑动"]}
    )
    rectification = Rectification.objects.get()
    staff = signed_in("coord")
    empty = staff.post(f"/staff/rectifications/{rectification.pk}/appeal/", {"reason": ""})
    assert empty.status_code == 400 and "申诉理由" in empty.content.decode()
    staff.post(f"/staff/rectifications/{rectification.pk}/appeal/", {"reason": "评价的是医院"})

    supervisor = signed_in("supervisor")
    appeals = supervisor.get("/staff/rectifications/appeals/").content.decode()
    assert "评价的是医院" in appeals and "句容市卫生健康委员会" in appeals
    detail = supervisor.get(f"/staff/rectifications/{rectification.pk}/").content.decode()
    assert "作出复核决定" in detail and "提交答复" not in detail
    decided_appeal = supervisor.post(
        f"/staff/rectifications/{rectification.pk}/decide/",
        {"verdict": "rejected", "note": "评价属实"},
    )
    assert decided_appeal.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == S.APPEAL_REJECTED
    assert "评价属实" in supervisor.get("/staff/rectifications/appeals/").content.decode()
