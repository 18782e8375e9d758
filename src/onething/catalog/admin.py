from django.contrib import admin

from .models import (
    DataElement,
    ItemField,
    MaterialRequirement,
    OneThing,
    OneThingDepartment,
    OneThingItem,
    ServiceItem,
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


@admin.register(OneThing)
class OneThingAdmin(admin.ModelAdmin):
    list_display = ["seq", "name", "national", "audience", "life_stage", "status"]
    list_filter = ["audience", "national", "status"]
    search_fields = ["code", "name"]
    inlines = [DepartmentInline, EntryInline]
