"""Stand-alone volumes in the Django admin for catalog editors (the staff page
``/staff/insight/volumes/`` does the same with an Excel import), and assessments read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from onething.core.errors import ValidationFailed

from .models import Assessment, AssessmentEvidence, StandaloneVolume
from .periods import parse_period


class StandaloneVolumeForm(forms.ModelForm):
    class Meta:
        model = StandaloneVolume
        fields = ["item_code", "region", "period", "count"]

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"]).code
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc


@admin.register(StandaloneVolume)
class StandaloneVolumeAdmin(admin.ModelAdmin):
    form = StandaloneVolumeForm
    list_display = ["item_code", "region", "period", "count", "entered_by", "updated_at"]
    list_filter = ["region"]
    search_fields = ["item_code", "period"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        period = parse_period(obj.period)
        obj.period_start, obj.period_end = period.start, period.end
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


class EvidenceInline(admin.TabularInline):
    model = AssessmentEvidence
    extra = 0
    can_delete = False
    fields = ("criterion", "name", "file", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["one_thing", "period", "assessed_by", "assessed_at"]
    list_filter = ["period"]
    search_fields = ["one_thing__name", "one_thing__code"]
    inlines = [EvidenceInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
