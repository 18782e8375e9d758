"""Operators see every callback's state and retry the failed ones; secrets are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from .delivery import retry_failed
from .models import OutboxMessage, Subscription
from .services import new_secret


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["department", "url", "events", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "department__name"]
    autocomplete_fields = ["department"]
    fields = ["department", "url", "events", "active"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if not obj.secret:
            obj.secret = new_secret()
            self.message_user(
                request,
                f"签名密钥只显示这一次，请转交部门系统 (secret, shown once): {obj.secret}",
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "event_id",
        "subscription",
        "state",
        "attempts",
        "next_attempt_at",
        "short_error",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "event"]
    search_fields = ["event_id", "subscription__url", "subscription__department__name"]
    list_select_related = ["subscription__department"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # Read-only: the retry action is the one change operators make.
    readonly_fields = [
        "event_id",
        "subscription",
        "event",
        "payload",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "delivered_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # messages are written by emit(), in the change's transaction

    @admin.display(description="最近错误")
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:80]

    @admin.action(description="立即重试（仅失败的回调）", permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        failed = queryset.filter(state=OutboxMessage.State.FAILED)
        retried = sum(1 for message in failed if retry_failed(message))
        skipped = queryset.count() - retried
        self.message_user(request, f"已重新安排 {retried} 条，跳过非失败状态 {skipped} 条。")
