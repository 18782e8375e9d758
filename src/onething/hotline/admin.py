"""The knowledge base in the admin: staff add their own questions and answers; the entries
generated from the catalog are shown read-only (change the catalog and rebuild instead). Routing
rules are edited here too; tickets are only looked at (their phone numbers masked)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import KnowledgeEntry, RoutingRule, Ticket, TicketEvent


class KnowledgeEntryForm(forms.ModelForm):
    keywords_text = forms.CharField(
        label=_("关键词和常用说法"),
        required=False,
        help_text=_("用逗号或顿号分隔，例如：生孩子，上户口，出生证"),
        widget=forms.TextInput(attrs={"size": 80}),
    )

    class Meta:
        model = KnowledgeEntry
        fields = ["question", "answer", "one_thing_code", "item_code", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["keywords_text"].initial = "，".join(self.instance.keywords or [])

    def save(self, commit: bool = True) -> KnowledgeEntry:
        text = self.cleaned_data.get("keywords_text", "")
        for separator in ",、;；\n":
            text = text.replace(separator, "，")
        self.instance.keywords = [w.strip() for w in text.split("，") if w.strip()]
        if not self.instance.pk:
            self.instance.source = KnowledgeEntry.Source.STAFF
        return super().save(commit=commit)


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    form = KnowledgeEntryForm
    list_display = ["question", "source", "one_thing_code", "item_code", "active", "updated_at"]
    list_filter = ["source", "active"]
    search_fields = ["question", "answer", "one_thing_code", "item_code"]
    fields = ["question", "answer", "keywords_text", "one_thing_code", "item_code", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.source == KnowledgeEntry.Source.CATALOG:
            return ["question", "answer", "keywords", "one_thing_code", "item_code", "active"]
        return []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.source == KnowledgeEntry.Source.CATALOG:
            return ["question", "answer", "keywords", "one_thing_code", "item_code", "active"]
        return self.fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.source == KnowledgeEntry.Source.CATALOG:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "one_thing", "department_kind", "region", "active"]
    list_filter = ["active", "department_kind"]
    autocomplete_fields = ["one_thing", "region"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_status", "to_status", "actor_name", "department", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "type", "status", "region", "department", "due_date", "escalated"]
    list_filter = ["type", "status", "escalated", "channel"]
    search_fields = ["number"]
    fields = (
        "number",
        "type",
        "channel",
        "caller_name",
        "masked_caller_phone",
        "content",
        "application",
        "one_thing",
        "region",
        "department",
        "status",
        "due_date",
        "answer",
        "answered_at",
        "escalated",
        "satisfied",
        "visit_note",
        "created_by",
    )
    readonly_fields = fields
    inlines = [TicketEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
