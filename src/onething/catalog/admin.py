"""The catalog editors' workplace: items and one-things in the Django admin, with the lifecycle
(submit for review, publish with a diff against the previous version, retire, copy to another
region) and a live preview of the guide from the unpublished rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from onething.core.errors import DomainError
from onething.org.models import Region

from .models import (
    DataElement,
    ItemField,
    MaterialRequirement,
    OneThing,
    OneThingDepartment,
    OneThingItem,
    OneThingVersion,
    ServiceItem,
)
from .publishing import (
    diff_snapshots,
    latest_version,
    one_thing_copy_to_region,
    one_thing_edit,
    one_thing_publish,
    one_thing_retire,
    one_thing_submit_for_review,
    snapshot_of,
)


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "pii", "source"]
    list_filter = ["type", "pii"]
    search_fields = ["code", "name"]


class MaterialInline(admin.TabularInline):
    model = MaterialRequirement
    extra = 0


class FieldInline(admin.TabularInline):
    model = ItemField
    extra = 0
    autocomplete_fields = ["element"]


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department_kind", "kind", "statutory_days", "promised_days"]
    list_filter = ["department_kind", "kind"]
    search_fields = ["code", "name"]
    inlines = [MaterialInline, FieldInline]


class DepartmentInline(admin.TabularInline):
    model = OneThingDepartment
    extra = 0


class EntryInline(admin.TabularInline):
    model = OneThingItem
    extra = 0
    autocomplete_fields = ["item"]


class VersionInline(admin.TabularInline):
    model = OneThingVersion
    extra = 0
    can_delete = False
    fields = ("number", "published_at", "published_by", "retired_at", "changes")
    readonly_fields = ("number", "published_at", "published_by", "retired_at", "changes")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="变更")
    def changes(self, version: OneThingVersion) -> str:
        return f"{len(version.diff)} 处"


def _run(request: HttpRequest, queryset: QuerySet[OneThing], step: Any, done: str) -> None:
    for one_thing in queryset:
        try:
            step(one_thing=one_thing, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"“{one_thing.name}”{done}")


@admin.register(OneThing)
class OneThingAdmin(admin.ModelAdmin):
    list_display = ["seq", "name", "region", "national", "audience", "status", "preview"]
    list_filter = ["status", "audience", "national", "region"]
    search_fields = ["code", "name"]
    inlines = [DepartmentInline, EntryInline, VersionInline]
    actions = ["edit", "submit", "publish", "retire", "copy_to_region"]

    @admin.display(description="预览")
    def preview(self, one_thing: OneThing) -> str:
        url = reverse("catalog:preview", args=[one_thing.code])
        return format_html('<a href="{}" target="_blank">预览办事指南</a>', url)

    @admin.action(description="退回编辑（已发布版本保持不变）")
    def edit(self, request: HttpRequest, queryset: QuerySet[OneThing]) -> None:
        _run(request, queryset, one_thing_edit, "已可编辑")

    @admin.action(description="提交审核")
    def submit(self, request: HttpRequest, queryset: QuerySet[OneThing]) -> None:
        _run(request, queryset, one_thing_submit_for_review, "已提交审核")

    @admin.action(description="发布（先查看与上一版本的差异）")
    def publish(self, request: HttpRequest, queryset: QuerySet[OneThing]) -> HttpResponse | None:
        if request.POST.get("confirm") == "yes":
            _run(request, queryset, one_thing_publish, "已发布")
            return None
        changes = [
            (o, diff_snapshots(v.snapshot if (v := latest_version(o)) else None, snapshot_of(o)))
            for o in queryset
        ]
        return render(
            request,
            "admin/catalog/publish_confirm.html",
            {
                "changes": changes,
                "queryset": queryset,
                "opts": self.model._meta,
                "action": "publish",
                "title": "确认发布",
            },
        )

    @admin.action(description="停用")
    def retire(self, request: HttpRequest, queryset: QuerySet[OneThing]) -> None:
        _run(request, queryset, one_thing_retire, "已停用")

    @admin.action(description="复用到其他地区（一地创新、多地复用）")
    def copy_to_region(
        self, request: HttpRequest, queryset: QuerySet[OneThing]
    ) -> HttpResponse | None:
        code = request.POST.get("region")
        if code:
            region = Region.objects.get(code=code)
            _run(
                request,
                queryset,
                lambda **kw: one_thing_copy_to_region(region=region, **kw),
                f"已复用到{region.name}，请修改后提交审核",
            )
            return None
        return render(
            request,
            "admin/catalog/copy_confirm.html",
            {
                "queryset": queryset,
                "opts": self.model._meta,
                "action": "copy_to_region",
                "regions": Region.objects.filter(level__in=["city", "county"]),
                "title": "复用到其他地区",
            },
        )


@admin.register(OneThingVersion)
class OneThingVersionAdmin(admin.ModelAdmin):
    """Read-only: published versions are never changed."""

    list_display = ["one_thing", "number", "published_at", "published_by", "retired_at"]
    readonly_fields = [
        "one_thing",
        "number",
        "digest",
        "diff",
        "snapshot",
        "published_at",
        "published_by",
        "retired_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
