import logging

import pytest
from django.core import mail

from onething.notify.models import Message
from onething.notify.services import notify


def test_every_channel_gets_a_record_and_sms_is_masked_in_logs(
    applicant, caplog, django_capture_on_commit_callbacks
):
    applicant.email = "zhangsan@example.cn"
    applicant.save()
    with (
        caplog.at_level(logging.INFO, logger="onething.notify"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify(user=applicant, kind="test", subject="已受理", body="您的申请已受理")
    channels = dict(Message.objects.values_list("channel", "error"))
    assert set(channels) == {"inapp", "sms", "email"} and not any(channels.values())
    assert Message.objects.filter(sent_at__isnull=True).count() == 0
    assert mail.outbox[0].subject == "已受理"
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text


def test_a_failing_channel_is_recorded_not_raised(org, django_capture_on_commit_callbacks):
    from onething.accounts.models import User

    staff = User.objects.create_user(username="x", kind="staff")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=staff, kind="test", subject="s", body="b")
    sms = Message.objects.get(channel="sms")
    assert sms.sent_at is None and "mobile" in sms.error


@pytest.mark.parametrize("channel", ["inapp", "sms", "email"])
def test_channels_are_registered(channel):
    from onething.notify.gateways import register

    assert channel in register
