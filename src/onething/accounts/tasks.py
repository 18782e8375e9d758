"""Background work for accounts, run by the task worker (``onething worker``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .models import ApiToken

KEEP_DEAD_TOKENS = dt.timedelta(days=30)


@task()
def tokens_prune() -> int:
    """Delete tokens that expired or were revoked more than 30 days ago; safe to run twice."""
    cutoff = timezone.now() - KEEP_DEAD_TOKENS
    deleted, _ = ApiToken.objects.filter(
        Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)
    ).delete()
    return deleted
