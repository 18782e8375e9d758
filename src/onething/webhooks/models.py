"""Department systems' subscriptions and the transactional outbox of their notifications."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from onething.core.models import TimeStampedModel
from onething.org.models import Department

EVENTS = ["task.released", "correction.answered", "application.withdrawn"]


class Subscription(TimeStampedModel):
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="subscriptions"
    )
    url = models.URLField(_("回调地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=128)
    events = models.JSONField(_("订阅的事件"), default=list)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("回调订阅")
        verbose_name_plural = _("回调订阅")

    def __str__(self) -> str:
        return f"{self.department} → {self.url}"


class OutboxMessage(models.Model):
    """Written in the same transaction as the change it reports; delivered by workers."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("多次失败，待人工处理")

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="messages"
    )
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("待发送回调")
        verbose_name_plural = _("待发送回调")

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
