from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onething.accounts.models import User


class Message(models.Model):
    """An in-app message, and the record of every notification sent on any channel."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=12)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"]),
            # the sweeper's look for messages whose task was lost (notify.resend_unsent)
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, error=""),
                name="message_unsent",
            ),
        ]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")

    def __str__(self) -> str:
        return self.subject
