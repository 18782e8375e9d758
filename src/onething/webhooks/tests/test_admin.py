"""Operators see the outbox and retry failed callbacks from the admin."""

from django.db import transaction
from django.urls import reverse

from onething.webhooks.models import OutboxMessage
from onething.webhooks.outbox import emit


def test_operators_filter_the_outbox_and_retry_failed_callbacks(
    admin_client, receiver, subscription, health, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        failed, pending = (emit(health, "task.released", {"n": n})[0] for n in (1, 2))
    OutboxMessage.objects.filter(pk=failed.pk).update(
        state=OutboxMessage.State.FAILED, attempts=31, last_error="HTTP 503: down"
    )
    changelist = reverse("admin:webhooks_outboxmessage_changelist")

    page = admin_client.get(changelist, {"state__exact": "failed"})
    assert page.status_code == 200
    assert str(failed.event_id) in page.text and str(pending.event_id) not in page.text
    assert "HTTP 503: down" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            changelist,
            {"action": "retry_now", "_selected_action": [failed.pk, pending.pk]},
            follow=True,
        )
    assert "已重新安排 1 条，跳过非失败状态 1 条" in done.text
    failed.refresh_from_db()
    assert failed.state == OutboxMessage.State.DELIVERED
    assert receiver.processed == [str(failed.event_id)]


def test_subscription_admin_never_shows_the_secret(admin_client, subscription):
    page = admin_client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk]))
    assert page.status_code == 200 and subscription.secret not in page.text
