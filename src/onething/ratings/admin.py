from django.contrib import admin
from django.http import HttpRequest

from .models import Rating, Rectification


class ReadOnly(admin.ModelAdmin):
    """Ratings and rectifications change only through the services (which keep the timeline)."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ["pk", "target", "department", "level", "channel", "created_at"]
    list_filter = ["level", "target", "channel"]
    raw_id_fields = ["application", "task", "rater", "supersedes"]
    readonly_fields = ["created_at"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnly):
    list_display = ["pk", "department", "status", "due_date", "replied_at", "return_visit_at"]
    list_filter = ["status"]
    raw_id_fields = ["rating", "replied_by", "return_visit_by", "appealed_by", "appeal_decided_by"]
