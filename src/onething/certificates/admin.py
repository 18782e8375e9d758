"""Admin: certificate types (editable), issued certificates and seals (read only; certificates
are issued and revoked through services, seals are made on first use, and the private key of
a seal is never shown)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Certificate, CertificateType, DepartmentSeal
from .signing import public_key_pem


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuer_kind", "validity_years"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


CERTIFICATE_FIELDS = (
    "number",
    "type",
    "holder_person",
    "holder_enterprise",
    "data",
    "department",
    "application",
    "task",
    "issued_by",
    "issued_at",
    "valid_until",
    "status",
    "revoked_at",
    "revoked_by",
    "revoke_reason",
    "digest",
    "signature",
)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "type", "holder_name", "department", "issued_at", "status"]
    list_filter = ["status", "type"]
    search_fields = ["number"]
    list_select_related = ["type", "department"]
    fields = readonly_fields = CERTIFICATE_FIELDS


@admin.register(DepartmentSeal)
class DepartmentSealAdmin(ReadOnlyAdmin):
    list_display = ["department", "fingerprint", "created_at"]
    list_select_related = ["department"]
    fields = readonly_fields = ("department", "public_key", "public_key_pem", "created_at")
    exclude = ["private_key"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DepartmentSeal]:
        return super().get_queryset(request).defer("private_key")  # never even decrypted

    @admin.display(description=_("公钥前缀"))
    def fingerprint(self, seal: DepartmentSeal) -> str:
        return seal.public_key[:16]

    @admin.display(description=_("公钥（PEM）"))
    def public_key_pem(self, seal: DepartmentSeal) -> str:
        return format_html("<pre>{}</pre>", public_key_pem(seal.public_key))
