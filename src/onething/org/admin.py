from django.contrib import admin

from .models import Department, DepartmentKind, Hall, Region, Window


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(DepartmentKind)
class DepartmentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "seed_name", "name_pattern"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "region__name"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region"]
    inlines = [WindowInline]
