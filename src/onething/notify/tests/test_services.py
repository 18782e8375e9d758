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


def test_a_message_whose_task_was_lost_is_sent_by_the_sweeper(applicant, settings):
    """The web process died between commit and enqueue: no task, the SMS unsent."""
    import datetime as dt

    from django.utils import timezone

    from onething.notify.services import resend_unsent

    notify(user=applicant, kind="test", subject="已受理", body="您的申请已受理")  # no commit hook
    sms = Message.objects.get(channel="sms")
    assert sms.sent_at is None
    assert resend_unsent() == 0  # too recent: its task may still be on the way

    later = timezone.now() + dt.timedelta(minutes=6)
    assert resend_unsent(now=later) == 1  # the immediate test backend sends it at once
    sms.refresh_from_db()
    assert sms.sent_at is not None
    assert resend_unsent(now=later) == 0
    assert resend_unsent(now=later + dt.timedelta(days=2)) == 0
