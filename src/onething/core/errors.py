"""Errors that reach a person: always a Chinese message, an English one, and where it happened."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DomainError(Exception):
    """A rule was broken. ``code`` is stable for programs; the messages are for people."""

    code: str
    message: str
    message_en: str
    details: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.message}（{self.message_en}）"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
            "details": self.details,
        }


class ValidationFailed(DomainError):
    """Input that does not meet a rule (a check digit, a format, a missing field)."""


class PermissionDenied(DomainError):
    """The actor may not see or do this."""


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it does."""


class Conflict(DomainError):
    """The thing changed under the actor's feet (a concurrent decision, a replay)."""


class Unavailable(DomainError):
    """A dependency (the database) cannot answer right now; the same request may be retried."""


def database_unavailable() -> Unavailable:
    return Unavailable(
        code="database_unavailable",
        message="系统暂时繁忙，请稍后重试；已提交的申请不会重复受理。",
        message_en="The service is briefly unavailable; retry shortly. A retried submission "
        "with the same Idempotency-Key is never accepted twice.",
        details={"retry_after": 5},
    )


def nul_character() -> ValidationFailed:
    """NUL (\\0) cannot be stored in PostgreSQL text, and no form of ours needs it."""
    return ValidationFailed(
        code="nul_character",
        message="请求中含有空字符（\\0），请删除后重新提交。",
        message_en="The request contains a NUL character (\\0); remove it and send it again.",
        details={},
    )
