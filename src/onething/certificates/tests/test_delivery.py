"""一窗出件: all results of an application go out together when the last task is decided."""

import pytest

from onething.accounts.demo import demo_id_number
from onething.cases.services import application_accept, task_decide
from onething.certificates.delivery import TRACKING_STATES, delivery_pickup, delivery_track
from onething.certificates.models import Delivery
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.notify.models import Message

ZHANGSAN_ID = demo_id_number("321183", "19900315", 123)


@pytest.fixture
def submit(demo, newborn_guide, user):
    from onething.cases.services import application_submit
    from onething.cases.tests.factories import submission

    def make(**changes):
        payload = submission(newborn_guide, "JS-2022-07", **changes)
        return application_submit(actor=user("zhangsan"), submission=payload)

    return make


def decide_all(application, user):
    for _ in range(10):
        released = list(application.tasks.filter(status__in=["released", "claimed"]))
        if not released:
            return
        for task in released:
            task_decide(task=task, actor=user("admin"), decision="approve", opinion="")


@pytest.fixture
def decided(submit, user):
    def make(**changes):
        application = submit(**changes)
        application_accept(application=application, actor=user("coord"))
        decide_all(application, user)
        application.refresh_from_db()
        return application

    return make


def test_electronic_delivery_goes_to_the_wallet_at_once(decided):
    application = decided()
    assert application.status == "delivered"
    assert application.delivery_record.status == Delivery.Status.DELIVERED
    from onething.certificates.models import Certificate

    assert Certificate.objects.filter(application=application).exists()


def test_window_pickup_needs_the_code_and_the_right_id_card(decided, user):
    application = decided(delivery="window")
    delivery = application.delivery_record
    assert application.status == "decided" and delivery.status == Delivery.Status.READY
    body = Message.objects.filter(kind="application.delivery", channel="inapp").get().body
    code = body.split("取件码 ")[1][:6]
    with pytest.raises(PermissionDenied):
        delivery_pickup(delivery=delivery, actor=user("zhangsan"), code=code, id_number=ZHANGSAN_ID)
    with pytest.raises(ValidationFailed):
        delivery_pickup(
            delivery=delivery, actor=user("clerk"), code="000000", id_number=ZHANGSAN_ID
        )
    with pytest.raises(ValidationFailed) as caught:
        delivery_pickup(
            delivery=delivery,
            actor=user("clerk"),
            code=code,
            id_number=demo_id_number("320115", "19920708", 246),
        )
    assert caught.value.code == "wrong_person"
    delivery_pickup(delivery=delivery, actor=user("clerk"), code=code, id_number=ZHANGSAN_ID)
    application.refresh_from_db()
    assert application.status == "delivered"
    with pytest.raises(Conflict):
        delivery_pickup(delivery=delivery, actor=user("clerk"), code=code, id_number=ZHANGSAN_ID)


def test_courier_delivery_is_tracked_to_a_signed_receipt(decided):
    application = decided(delivery="courier", delivery_address="句容市华阳街道华阳北路1号")
    delivery = application.delivery_record
    assert delivery.status == Delivery.Status.IN_TRANSIT and delivery.tracking_number
    for state in TRACKING_STATES[1:-1]:
        delivery_track(delivery=delivery, state=state)
    with pytest.raises(ValidationFailed):
        delivery_track(delivery=delivery, state=TRACKING_STATES[-1])
    delivery = delivery_track(delivery=delivery, state=TRACKING_STATES[-1], received_by="张三")
    assert delivery.status == Delivery.Status.DELIVERED and delivery.tracking[-1]["proof"]
    application.refresh_from_db()
    assert application.status == "delivered"
