from django.contrib import admin
from django.http import HttpRequest

from .models import DataAccess, DataObjection, SharingAgreement


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    list_display = ["requesting_kind", "resource", "providing_kind", "cycle", "method", "active"]
    list_filter = ["resource", "active", "method", "cycle"]
    search_fields = ["requesting_kind__seed_name", "scope"]


@admin.register(DataAccess)
class DataAccessAdmin(admin.ModelAdmin):
    """The access log is evidence: it is read here, never changed."""

    list_display = ["at", "department", "actor_name", "provider", "outcome", "purpose"]
    list_filter = ["outcome", "provider"]
    search_fields = ["purpose", "actor_name", "department__name"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DataObjection)
class DataObjectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "element_label", "provider", "department", "status"]
    list_filter = ["status", "provider"]
    readonly_fields = ["subject_hash", "current_value", "proposed_value", "resolved_at"]
    exclude = ["subject_number"]
