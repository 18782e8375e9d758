from django.contrib import admin

from .models import CertificateType


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuer_kind", "validity_years"]
