from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AgentAuthorization, ApiToken, Enterprise, Person, StaffMembership, User


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("OneThing", {"fields": ["kind", "display_name"]}),
    )
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Shows only masked numbers; the clear values are never rendered."""

    list_display = ["name", "masked_id_number", "masked_phone", "household_region"]
    fields = [
        "name",
        "masked_id_number",
        "masked_phone",
        "sex",
        "birth_date",
        "household_region",
        "user",
    ]
    readonly_fields = ["masked_id_number", "masked_phone", "sex", "birth_date"]
    search_fields = ["name"]

    def has_add_permission(self, request: object) -> bool:
        return False  # people are registered through services that validate the ID number


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "region"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["legal_representative"]


@admin.register(AgentAuthorization)
class AgentAuthorizationAdmin(admin.ModelAdmin):
    list_display = ["principal", "agent", "valid_from", "valid_until", "revoked_at"]
    raw_id_fields = ["principal", "agent", "recorded_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "department", "expires_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "last_used_at"]
