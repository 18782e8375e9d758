from typing import Any

from django.contrib import admin

from .models import WorkdayOverride, WorkerBeat
from .workdays import overrides_changed


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name", "source"]
    list_filter = ["is_workday"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        overrides_changed()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        overrides_changed()


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    """The task workers and their last heartbeat (read only: the workers write it)."""

    list_display = ["worker_id", "host", "pid", "started_at", "beat_at"]
    ordering = ["-beat_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
