"""The public figures per department: levels, satisfaction, rectification and on-time replies."""

import datetime as dt

import pytest

from onething.org.models import Window
from onething.ratings.selectors import department_statistics
from onething.ratings.services import (
    appeal_decide,
    rating_submit,
    rectification_appeal,
    rectification_reply,
    rectification_return_visit,
)


@pytest.fixture
def rated(decided, user, clock):
    """Ratings across five departments of 句容市:

    - 卫健委 (lead): one 非常满意, and one 非常不满意 rectified, visited and re-rated 满意;
    - 公安局: one 不满意, never answered (overdue once the clock passes 23 March);
    - 人社局: one 满意; 政务办 (a window): one 基本满意;
    - 民政局: one 不满意 found unfounded on appeal (not counted).
    """
    zhangsan = user("zhangsan")
    first, second = decided(), decided()
    rating_submit(actor=zhangsan, level=5, tags=["办事效率高"], application=first)
    police = first.tasks.get(item_name="出生登记")
    rating_submit(actor=zhangsan, level=2, tags=["超时办理"], task=police)
    rating_submit(actor=zhangsan, level=4, task=first.tasks.get(item_name="社会保障卡申领"))
    rating_submit(
        actor=zhangsan,
        level=3,
        window=Window.objects.get(code="JR-ZWFW-01"),
        service_date=dt.date(2026, 3, 2),
        channel="window",
    )
    civil = first.tasks.get(item_name="婚姻登记信息核验")
    unfounded = rating_submit(actor=zhangsan, level=2, comment="与本事无关的意见", task=civil)
    rectification_appeal(rectification=unfounded.rectification, actor=user("admin"), reason="无关")
    appeal_decide(
        rectification=unfounded.rectification, actor=user("supervisor"), upheld=True, note="成立"
    )

    worst = rating_submit(actor=zhangsan, level=1, tags=["多次跑动"], application=second)
    rectification_reply(rectification=worst.rectification, actor=user("coord"), reply="已整改")
    rectification_return_visit(
        rectification=worst.rectification, actor=user("coord"), satisfied=True
    )
    rating_submit(actor=zhangsan, level=4, after_rectification=worst.rectification)
    clock.set(dt.date(2026, 3, 24))


def by_name(statistics):
    return {f.department: f for f in statistics.departments}


def test_figures_per_department(rated):
    statistics = department_statistics()
    rows = by_name(statistics)
    assert set(rows) == {
        "句容市卫生健康委员会",
        "句容市公安局",
        "句容市人力资源和社会保障局",
        "句容市政务服务管理办公室",
    }  # 民政局's only rating was found unfounded
    health = rows["句容市卫生健康委员会"]
    assert health.count == 2 and health.levels[5] == 1 and health.levels[4] == 1
    assert health.levels[1] == 0  # the re-rating replaced the 非常不满意
    assert health.satisfaction_rate == 100.0
    assert (health.rectifications, health.rectified, health.rectification_rate) == (1, 1, 100.0)
    assert health.on_time_reply_rate == 100.0

    police = rows["句容市公安局"]
    assert police.count == 1 and police.satisfaction_rate == 0.0
    assert police.rectification_rate == 0.0
    assert (police.replied, police.overdue, police.on_time_reply_rate) == (0, 1, 0.0)

    hrss = rows["句容市人力资源和社会保障局"]
    assert hrss.rectification_rate is None and hrss.on_time_reply_rate is None
    shares = {s["level"]: s["share"] for s in rows["句容市政务服务管理办公室"].shares}
    assert shares == {5: 0.0, 4: 0.0, 3: 100.0, 2: 0.0, 1: 0.0}

    total = statistics.total
    assert total.count == 5
    assert [s["count"] for s in total.shares] == [1, 2, 1, 1, 0]
    assert total.satisfaction_rate == 80.0
    assert total.rectification_rate == 50.0 and total.on_time_reply_rate == 50.0


def test_the_api_gives_the_same_figures(rated, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # levels, rectifications, departments
        response = client.get("/api/v1/ratings/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["count"] == 5 and body["total"]["satisfaction_rate"] == 80.0
    health = next(d for d in body["departments"] if d["department"] == "句容市卫生健康委员会")
    assert health["rectification_rate"] == 100.0 and health["on_time_reply_rate"] == 100.0
    assert [level["label"] for level in health["levels"]] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    elsewhere = client.get("/api/v1/ratings/stats?region=320115").json()
    assert elsewhere["departments"] == [] and elsewhere["total"]["count"] == 0
    assert client.get("/api/v1/ratings/stats?region=999999").status_code == 404


def test_the_public_page_shows_figures_and_no_personal_data(rated, client, user):
    page = client.get("/ratings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "句容市公安局" in html and "80.0%" in html and "50.0%" in html
    for personal in ("张三", "zhangsan", "138****5678", "跑了三次", "与本事无关的意见"):
        assert personal not in html
    filtered = client.get("/ratings/?region=321183").content.decode()
    assert "句容市卫生健康委员会" in filtered
