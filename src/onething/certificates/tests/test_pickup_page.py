"""The window clerk's pickup counter (一窗出件) with Django's test client."""

import pytest

from onething.accounts.demo import demo_id_number
from onething.audit.models import Event
from onething.certificates.models import Delivery
from onething.certificates.tests.test_delivery import ZHANGSAN_ID, decide_all, decided, submit
from onething.notify.models import Message

__all__ = ["decide_all", "decided", "submit"]  # fixtures shared with test_delivery

PICKUP = "/staff/pickup/"
LISI_ID = demo_id_number("320115", "19920708", 246)


@pytest.fixture
def ready(decided):
    application = decided(delivery="window")
    body = Message.objects.filter(kind="application.delivery", channel="inapp").get().body
    return application, body.split("取件码 ")[1][:6]


def test_the_clerk_finds_the_case_and_sees_the_holder_masked(client, ready, user):
    application, _code = ready
    client.force_login(user("clerk"))
    assert client.get(PICKUP).status_code == 200
    html = client.get(PICKUP, {"number": application.number.lower()}).content.decode()
    assert application.number in html and "待领取" in html
    assert application.person.masked_id_number in html
    assert ZHANGSAN_ID not in html  # the full number is never shown
    for certificate in application.certificates.all():
        assert certificate.number in html
    assert 'name="code"' in html and 'name="id_number"' in html


def test_a_wrong_code_or_a_wrong_id_card_hands_nothing_over(client, ready, user):
    application, code = ready
    client.force_login(user("clerk"))
    wrong_code = client.post(
        PICKUP, {"number": application.number, "code": "000000", "id_number": ZHANGSAN_ID}
    )
    assert wrong_code.status_code == 400
    assert "取件码不正确" in wrong_code.content.decode()
    assert 'id="pickup-code"' in wrong_code.content.decode()
    wrong_person = client.post(
        PICKUP, {"number": application.number, "code": code, "id_number": LISI_ID}
    )
    assert wrong_person.status_code == 400
    assert "身份证件与申请人不一致" in wrong_person.content.decode()
    application.refresh_from_db()
    assert application.status == "decided"
    assert application.delivery_record.status == Delivery.Status.READY


def test_the_right_code_and_id_card_hand_everything_over_on_the_timeline(client, ready, user):
    application, code = ready
    client.force_login(user("clerk"))
    response = client.post(
        PICKUP, {"number": application.number, "code": code, "id_number": ZHANGSAN_ID.lower()}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "全部结果已当面交付" in html and "已送达" in html
    application.refresh_from_db()
    assert application.status == "delivered"
    assert application.delivery_record.received_by == "张三"
    event = Event.objects.filter(application=application, kind="delivered").get()
    assert event.channel == "window" and "已核验取件码" in event.reason
    assert event.actor_name  # who handed it over
    again = client.post(
        PICKUP, {"number": application.number, "code": code, "id_number": ZHANGSAN_ID}
    )
    assert again.status_code == 409 and "全部结果已交付" in again.content.decode()


def test_an_unknown_number_says_so(client, demo, user):
    client.force_login(user("clerk"))
    response = client.get(PICKUP, {"number": "YJS000000000000000000"})
    assert response.status_code == 404
    assert 'role="alert"' in response.content.decode()


def test_only_window_clerks_hand_results_over(client, ready, user):
    application, code = ready
    client.force_login(user("zhangsan"))
    response = client.post(
        PICKUP, {"number": application.number, "code": code, "id_number": ZHANGSAN_ID}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "decided"
