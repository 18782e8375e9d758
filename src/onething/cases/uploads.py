"""Uploaded materials: the type is sniffed from the content (never trusted from the name or the
browser), the size is limited, executables are refused, and files go through Django's storage
API so object storage can replace the local folder."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile

from onething.core.crypto import sm3_hex
from onething.core.errors import ValidationFailed

SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]
EXECUTABLES = [b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"PK\x03\x04"]
MAX_BYTES = int(getattr(settings, "ONETHING_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


@dataclass
class CheckedUpload:
    content: ContentFile
    content_type: str
    size: int
    digest: str


def check_upload(
    name: str, data: bytes, *, material: str, digest: str | None = None
) -> CheckedUpload:
    """Check one file and wrap it for storage. ``digest`` is the file's SM3 when the caller has
    already computed it (a submission hashes each file once, for its idempotency digest)."""
    limit = int(getattr(settings, "ONETHING_UPLOAD_MAX_BYTES", MAX_BYTES))
    if len(data) > limit:
        raise ValidationFailed(
            code="upload_too_large",
            message=f"“{material}”的文件超过{limit // (1024 * 1024)}MB，请压缩后再上传。",
            message_en=f"The file for {material!r} is larger than {limit // (1024 * 1024)} MB.",
            details={"material": material},
        )
    if not data:
        raise ValidationFailed(
            code="upload_empty",
            message=f"“{material}”的文件是空的。",
            message_en=f"The file for {material!r} is empty.",
            details={"material": material},
        )
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            digest = digest or sm3_hex(data)
            return CheckedUpload(
                ContentFile(data, name=f"{digest[:16]}.{extension}"),
                content_type,
                len(data),
                digest,
            )
    disguised = any(data.startswith(magic) for magic in EXECUTABLES)
    raise ValidationFailed(
        code="upload_disguised" if disguised else "upload_type",
        message=(
            f"“{material}”的文件“{name}”实际上是程序或压缩包，不能上传。"
            if disguised
            else f"“{material}”只能上传 PDF、JPG 或 PNG 文件。"
        ),
        message_en=(
            f"{name!r} is an executable or archive, whatever its name says."
            if disguised
            else "Only PDF, JPEG or PNG files can be uploaded."
        ),
        details={"material": material, "file": name},
    )
