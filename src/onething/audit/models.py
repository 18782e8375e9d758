"""The timeline of every application as a tamper-evident SM3 hash chain (one chain per case).

Each event stores the hash of the one before it in the same case; ``onething audit verify``
recomputes every chain and reports any altered, inserted or deleted event.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    task = models.ForeignKey(
        "cases.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=128)
    channel = models.CharField(max_length=12)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["application", "seq"], name="one_event_per_seq")
        ]
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")

    def __str__(self) -> str:
        return f"{self.application_id}#{self.seq} {self.kind}"
