"""From a prefilled form to a submitted one: what came from which registry, kept honest.

1. When the form is shown (``prefill``), the result is sealed (``prefill_seal``): an SM4-GCM
   token, bound to the user and the form, that the page or the API client hands back with the
   submission. The server never trusts the values the browser sends for a shared field; it trusts
   the token, or — when there is none, or it is stale or forged — reads the registries again.
2. On submission ``prefill_settle`` compares what was sent with what the registries said: a
   *locked* value (identity from the population register) cannot be changed — left empty it is
   filled in, changed it is restored and reported; an editable shared value the applicant changed
   becomes theirs; every other value is the applicant's.
3. Once the application exists, ``provenance_record`` keeps, per field, where its value came from
   (``FieldSource``: registry, time, the logged read, or "申请人填写"), and ties the reads behind
   the form to the application, so the applicant's data tracker lists them under it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onething.accounts.models import Enterprise, Person, User
from onething.cases.models import Application
from onething.catalog.guide import FieldInGuide
from onething.catalog.models import OneThingVersion
from onething.core.crypto import DecryptionError, sm4_decrypt, sm4_encrypt

from ..base import SubjectRef
from ..models import ACCOUNT_LABEL, FieldSource
from .access import Actor
from .prefill import Prefilled, prefill_link

TOKEN_AGE = dt.timedelta(hours=2)
CASE_INSENSITIVE = {"id_number", "uscc"}


def _bound(actor: Actor, form_key: str) -> str:
    who = actor.pk if isinstance(actor, User) else str(actor)
    return f"{who}:{form_key}"


def prefill_seal(*, filled: Mapping[str, Prefilled], actor: Actor, form_key: str) -> str:
    """The shared values of ``filled``, sealed for this actor and this form."""
    fields = {
        element: {
            "v": p.value,
            "p": p.provider,
            "at": p.fetched_at.isoformat() if p.fetched_at else None,
            "l": p.locked,
            "s": p.source_label,
            "f": p.provider_field,
            "sk": p.subject.kind if p.subject else "",
            "sn": p.subject.number if p.subject else "",
            "a": p.access_id,
        }
        for element, p in filled.items()
        if p.from_provider and p.value
    }
    body = {"for": _bound(actor, form_key), "at": timezone.now().isoformat(), "fields": fields}
    return sm4_encrypt(json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def prefill_open(token: str, *, actor: Actor, form_key: str) -> dict[str, Prefilled] | None:
    """What ``prefill_seal`` sealed, or None for a token that is missing, forged, stale or
    sealed for someone or something else."""
    if not token:
        return None
    try:
        body = json.loads(sm4_decrypt(token))
        sealed_at = dt.datetime.fromisoformat(body["at"])
        fields = body["fields"]
    except (DecryptionError, ValueError, KeyError, TypeError):
        return None
    if body.get("for") != _bound(actor, form_key) or timezone.now() - sealed_at > TOKEN_AGE:
        return None
    out = {}
    for element, f in fields.items():
        out[element] = Prefilled(
            value=str(f["v"]),
            provider=str(f["p"]),
            fetched_at=dt.datetime.fromisoformat(f["at"]) if f.get("at") else None,
            locked=bool(f["l"]),
            source_label=str(f["s"]),
            provider_field=str(f["f"]),
            subject=SubjectRef(f["sk"], f["sn"]) if f.get("sk") else None,
            access_id=f.get("a"),
        )
    return out


def _same(a: str, b: str, field_type: str) -> bool:
    if field_type in CASE_INSENSITIVE:
        return a.strip().upper() == b.strip().upper()
    return a.strip() == b.strip()


@dataclass
class Settled:
    """The values to submit, where each came from, and the locked values someone changed."""

    values: dict[str, Any]
    sources: dict[str, Prefilled]
    problems: list[dict[str, Any]] = field(default_factory=list)
    filled: dict[str, Prefilled] = field(default_factory=dict)  # what the registries said


def prefill_settle(
    *,
    form_fields: Iterable[FieldInGuide],
    filled: Mapping[str, Prefilled],
    values: Mapping[str, Any],
) -> Settled:
    """Hold the submitted ``values`` against what the registries said (``filled``)."""
    out = dict(values)
    sources: dict[str, Prefilled] = {}
    problems: list[dict[str, Any]] = []
    for spec in form_fields:
        typed = str(out.get(spec.element, "") or "").strip()
        shared = filled.get(spec.element)
        if shared is None or not shared.from_provider or not shared.value:
            sources[spec.element] = Prefilled(value=typed)
            continue
        if shared.locked:
            if typed and not _same(typed, shared.value, spec.type):
                problems.append(
                    {
                        "field": spec.element,
                        "label": spec.label,
                        "items": list(spec.items),
                        "message": _(
                            "“%(label)s”以%(source)s的登记为准，不能修改，已恢复为登记的内容；"
                            "如登记有误，请提交后对这项数据提出数据异议"
                        )
                        % {"label": spec.label, "source": shared.source_label},
                        "message_en": (
                            f"{spec.label!r} is the value registered in {shared.provider} and "
                            "cannot be changed; it was restored. If it is wrong, raise a data "
                            "objection after submitting."
                        ),
                    }
                )
            out[spec.element] = shared.value
            sources[spec.element] = shared
        elif typed and not _same(typed, shared.value, spec.type):
            sources[spec.element] = Prefilled(
                value=typed, note=f"申请人修改了{shared.source_label}提供的信息"
            )
        elif typed:
            sources[spec.element] = shared
        else:
            sources[spec.element] = Prefilled(value="")
    return Settled(values=out, sources=sources, problems=problems, filled=dict(filled))


def sources_with_account(
    sources: Mapping[str, Prefilled], account: Mapping[str, str]
) -> dict[str, Prefilled]:
    """``sources`` with the values that are the applicant's real-name record (``account``: the
    numbers the apply page shows masked and fills in) recorded as coming from it."""
    return {
        element: Prefilled(value=p.value, source_label=ACCOUNT_LABEL)
        if not p.from_provider and p.value and p.value == account.get(element)
        else p
        for element, p in sources.items()
    }


def api_form_key(one_thing: str, subject: Person | Enterprise | None) -> str:
    """What an API client's sealed prefill is bound to (besides the client's user)."""
    if isinstance(subject, Enterprise):
        return f"api:{one_thing}:e:{subject.credit_code}"
    return f"api:{one_thing}:p:{subject.pk if subject else ''}"


def prefill_form(
    *,
    actor: User,
    one_thing: str,
    answers: Mapping[str, str],
    items: list[str] | None,
    subject: Person | Enterprise | None,
    person: Person | None,
    what: str,
    sealed: str = "",
) -> tuple[list[FieldInGuide], dict[str, Prefilled]]:
    """The one form of a one-thing for these answers, prefilled for ``subject`` under the lead
    department's agreements (every read logged with ``what`` as its purpose) — or, when
    ``sealed`` is a valid token of this actor for this form, what it sealed, without reading."""
    from onething.catalog.guide import compute_guide_cached
    from onething.catalog.selectors import version_current_cached
    from onething.certificates.selectors import certificate_types_held

    version = version_current_cached(one_thing)
    guide = compute_guide_cached(
        version.snapshot,
        version_key=(version.pk, version.digest),
        version=version.number,
        answers=dict(answers),
        chosen=items,
        held_results=certificate_types_held(subject) if subject is not None else (),
        start=timezone.localdate(),
    )
    fields = list(guide.form)
    return fields, prefill_fields(
        actor=actor,
        version=version,
        fields=fields,
        subject=subject,
        person=person,
        what=what,
        sealed=sealed,
    )


def prefill_fields(
    *,
    actor: User,
    version: OneThingVersion,
    fields: list[FieldInGuide],
    subject: Person | Enterprise | None,
    person: Person | None,
    what: str,
    sealed: str = "",
) -> dict[str, Prefilled]:
    """``prefill_form`` for a form already computed from ``version``."""
    from ..selectors import lead_department
    from .prefill import prefill

    if subject is None or not any(f.prefill_source for f in fields):
        return {}
    opened = prefill_open(
        sealed, actor=actor, form_key=api_form_key(version.one_thing.code, subject)
    )
    if opened is not None:
        return opened
    return prefill(
        form_fields=fields,
        subject=subject,
        person=person,
        requesting_department=lead_department(version),
        purpose=f"办理“{version.one_thing.name}”：{what}",
        actor=actor,
    )


def prefill_for_submission(
    *,
    actor: User,
    version: OneThingVersion,
    fields: list[FieldInGuide],
    form: Mapping[str, Any],
    token: str,
    subject: Person | Enterprise | None,
    person: Person | None,
) -> Settled:
    """An API submission held against shared data: the client's sealed prefill when it is
    valid, the registries read again when it is not. ``fields`` is the form of the guide the
    submission is checked against (``cases.services.Applying``)."""
    filled = prefill_fields(
        actor=actor,
        version=version,
        fields=fields,
        subject=subject,
        person=person,
        what="提交时核对预填信息",
        sealed=token,
    )
    return prefill_settle(form_fields=fields, filled=filled, values=form)


def provenance_record(
    *,
    application: Application,
    sources: Mapping[str, Prefilled],
    filled: Mapping[str, Prefilled] | None = None,
    fresh: bool = False,
) -> int:
    """Keep where each value of ``application``'s form came from, and link the reads behind
    the form (``filled``: everything the registries returned for it) to the application.
    Returns how many reads were linked. Recording twice changes nothing; ``fresh`` (an
    application stored in this transaction, with no sources yet) skips looking for them."""
    existing = set() if fresh else set(application.field_sources.values_list("element", flat=True))
    rows = field_sources(
        application,
        {k: p for k, p in sources.items() if k not in existing},
        stored_form=json.loads(application.form_data or "{}"),
    )
    FieldSource.objects.bulk_create(rows)
    behind = {f"read:{k}": p for k, p in (filled or {}).items()}  # changed values' reads too
    return prefill_link(filled={**behind, **sources}, application=application)


def field_sources(
    application: Application, sources: Mapping[str, Prefilled], *, stored_form: Mapping[str, Any]
) -> list[FieldSource]:
    """The unsaved rows that keep where each stored value of the form came from (a value the
    application does not hold, left empty, has none)."""
    return [
        FieldSource(
            application=application,
            element=element,
            provider=p.provider,
            provider_field=p.provider_field,
            source_label=p.source_label[:128],
            fetched_at=p.fetched_at,
            locked=p.locked,
            access_id=p.access_id,
            subject_kind=p.subject.kind if p.subject else "",
            subject_number=p.subject.number if p.subject else "",
            note=p.note[:255],
        )
        for element, p in sources.items()
        if stored_form.get(element) not in (None, "")
    ]


def source_as_prefilled(source: FieldSource, value: str) -> Prefilled:
    """A recorded source as the ``Prefilled`` an objection to it starts from."""
    subject = (
        SubjectRef(source.subject_kind, source.subject_number)  # type: ignore[arg-type]
        if source.subject_kind
        else None
    )
    return Prefilled(
        value=value,
        provider=source.provider,
        fetched_at=source.fetched_at,
        locked=source.locked,
        source_label=source.source_label,
        provider_field=source.provider_field,
        subject=subject,
        access_id=source.access_id,
    )
