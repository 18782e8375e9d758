"""Prefill with provenance: the one form's fields filled from shared data, each saying where
its value came from.

Whose data a field is about follows from its data element:

- ``father_*``, ``mother_*`` and ``spouse_*`` fields are about a person found through a link:
  the parents named on the applicant's newest birth record (出生医学证明), or — when there is
  none — the applicant and their spouse by sex; the spouse on the applicant's marriage record;
- other population-register fields are about the applicant (``applicant_*``) — unless the label
  names someone else (参保人, 持卡人 … the newborn, not the guardian) — and no one otherwise
  (the deceased, an employee: the applicant types their numbers);
- every other provider's fields are about the applicant, or about the enterprise when the
  provider keeps enterprises and one applies (法人库, 不动产登记).

Links are read first (they are reads like any other: logged, under an agreement), then one read
per (provider, subject) for everything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from onething.accounts.models import Enterprise, Person, User
from onething.cases.models import Application
from onething.catalog.guide import FieldInGuide
from onething.core.errors import DomainError, ValidationFailed
from onething.org.models import Department
from onething.plugins.registry import Registry

from ..base import DataProvider, SubjectRef, Value, as_text
from ..models import ACCOUNT_LABEL, DataAccess
from ..registry import provider_get
from ..registry import register as default_registry
from ..selectors import providing_department
from .access import AccessRefused, Actor, DataRead, data_read

APPLICANT_LABEL = "申请人填写"
LINKED_ROLES = ("father", "mother", "spouse")
ROLE_NAMES = {"father": "父亲", "mother": "母亲", "spouse": "配偶"}
# ``applicant_*`` elements sometimes mean another person (the insured newborn, the other party of
# a marriage): a label naming such a role is never filled with the applicant's own data.
OTHER_ROLES = ("参保人", "持卡人", "缴费人", "残疾人", "老年人", "迁移人", "男方", "女方")


@dataclass(frozen=True)
class Prefilled:
    """One field of the form: its value and where it came from."""

    value: str
    provider: str = ""  # provider code; "" when the applicant enters it
    fetched_at: dt.datetime | None = None
    locked: bool = False
    source_label: str = APPLICANT_LABEL  # 人口库（句容市公安局）
    provider_field: str = ""
    note: str = ""  # why a provider did not fill it, or that the applicant changed it
    subject: SubjectRef | None = dataclass_field(default=None, repr=False, compare=False)
    access_id: int | None = dataclass_field(default=None, repr=False, compare=False)

    @property
    def from_provider(self) -> bool:
        return bool(self.provider)

    @property
    def from_account(self) -> bool:
        return not self.provider and self.source_label == ACCOUNT_LABEL

    @property
    def applicant_entered(self) -> bool:
        return not self.provider and not self.from_account


@dataclass
class _Want:
    spec: FieldInGuide
    provider: DataProvider
    field: str
    role: str | None  # applicant | primary | father | mother | spouse | None (nobody)


@dataclass
class _Read:
    provider: DataProvider
    subject: SubjectRef
    fields: list[str] = dataclass_field(default_factory=list)
    wants: list[_Want] = dataclass_field(default_factory=list)
    outcome: DataRead | DomainError | None = None

    def value(self, field: str) -> Value:
        return self.outcome.values.get(field) if isinstance(self.outcome, DataRead) else None


@dataclass
class _Prefill:
    department: Department
    purpose: str
    actor: Actor
    application: Application | None
    registry: Registry[DataProvider]
    typed: dict[str, str]
    reads: list[_Read] = dataclass_field(default_factory=list)
    labels: dict[str, str] = dataclass_field(default_factory=dict)

    def provider(self, code: str) -> DataProvider | None:
        return provider_get(code, registry=self.registry) if code in self.registry else None

    def _find(self, code: str, subject: SubjectRef, field: str | None = None) -> _Read | None:
        for read in reversed(self.reads):
            same = read.provider.code == code and read.subject.hash == subject.hash
            if same and (field is None or field in read.fields):
                return read
        return None

    def plan(self, provider: DataProvider, subject: SubjectRef, field: str) -> _Read:
        """Add a field to the pending read of this provider and subject (one read each)."""
        read = self._find(provider.code, subject)
        if read is None or (read.outcome is not None and field not in read.fields):
            read = _Read(provider=provider, subject=subject)
            self.reads.append(read)
        if field not in read.fields:
            read.fields.append(field)
        return read

    def run(self) -> None:
        for read in self.reads:
            if read.outcome is not None:
                continue
            try:
                read.outcome = data_read(
                    provider=read.provider.code,
                    subject=read.subject,
                    fields=read.fields,
                    requesting_department=self.department,
                    purpose=self.purpose,
                    actor=self.actor,
                    application=self.application,
                    registry=self.registry,
                )
            except DomainError as exc:  # refused or failed: logged; the applicant fills it in
                read.outcome = exc

    def link(self, code: str, subject: SubjectRef | None, field: str) -> SubjectRef | None:
        """The person whose number ``field`` of ``subject``'s record holds (after ``run``)."""
        if subject is None:
            return None
        read = self._find(code, subject, field)
        number = read.value(field) if read else None
        if not number:
            return None
        try:
            return SubjectRef.person(str(number))
        except ValidationFailed:
            return None

    def source_label(self, provider: DataProvider) -> str:
        if provider.code not in self.labels:
            department = providing_department(provider.department_kind, self.department.region)
            where = department.name if department else provider.department_kind
            self.labels[provider.code] = f"{provider.name}（{where}）"
        return self.labels[provider.code]


def _role(spec: FieldInGuide, provider: DataProvider, *, person_subject: bool) -> str | None:
    prefix = spec.element.split("_", 1)[0]
    if prefix in LINKED_ROLES:
        return prefix
    if provider.code == "population" and prefix != "applicant":
        return None
    if person_subject and any(role in spec.label for role in OTHER_ROLES):
        return None
    return "applicant" if provider.code == "population" else "primary"


def _person_of(actor: Actor) -> Person | None:
    if isinstance(actor, User) and actor.pk:
        return Person.objects.filter(user=actor).first()
    return None


def _entered(element: str, typed: Mapping[str, str], note: str = "") -> Prefilled:
    return Prefilled(value=typed.get(element, ""), note=note)


def _result(want: _Want, read: _Read | None, run: _Prefill) -> Prefilled:
    element, provider = want.spec.element, want.provider
    if read is None:
        note = ""
        if want.role in LINKED_ROLES:
            note = f"共享数据中没有找到{ROLE_NAMES[want.role]}的信息，请您填写"
        return _entered(element, run.typed, note)
    if isinstance(read.outcome, AccessRefused):
        return _entered(element, run.typed, f"暂无读取{provider.name}的授权，请您填写")
    if not isinstance(read.outcome, DataRead):
        return _entered(element, run.typed, f"{provider.name}暂时无法访问，请您填写")
    value = as_text(read.outcome.values.get(want.field))
    if not value:
        return _entered(element, run.typed, f"{provider.name}中没有这项信息，请您填写")
    locked = want.field in provider.locked_fields
    typed = run.typed.get(element)
    if typed and typed != value and not locked:
        return Prefilled(value=typed, note=f"您修改了{provider.name}提供的信息")
    return Prefilled(
        value=value,
        provider=provider.code,
        fetched_at=read.outcome.at,
        locked=locked,
        source_label=run.source_label(provider),
        provider_field=want.field,
        subject=read.subject,
        access_id=read.outcome.access.pk,
    )


def prefill(
    *,
    form_fields: Iterable[FieldInGuide],
    subject: Person | Enterprise | None,
    requesting_department: Department,
    purpose: str,
    actor: Actor,
    application: Application | None = None,
    typed: Mapping[str, str] | None = None,
    person: Person | None = None,
    registry: Registry[DataProvider] | None = None,
) -> dict[str, Prefilled]:
    """Every form field, filled from shared data where a provider can, with its provenance.

    ``subject`` is the applicant (a person) or the enterprise applying; for an enterprise,
    ``person`` (default: the actor's own identity) is whom ``applicant_*`` fields are about.
    ``typed`` holds what the applicant already entered: it is kept, and marked as theirs,
    except over a locked value.
    """
    run = _Prefill(
        department=requesting_department,
        purpose=purpose,
        actor=actor,
        application=application,
        registry=default_registry if registry is None else registry,
        typed={k: str(v).strip() for k, v in (typed or {}).items() if v and str(v).strip()},
    )
    enterprise = subject if isinstance(subject, Enterprise) else None
    applicant = subject if isinstance(subject, Person) else person or _person_of(actor)
    me = SubjectRef.person(applicant.id_number) if applicant else None
    firm = SubjectRef.enterprise(enterprise.credit_code) if enterprise else None

    specs = list(form_fields)
    result: dict[str, Prefilled] = {}
    wants: list[_Want] = []
    for spec in specs:
        code, _, field = (spec.prefill_source or "").partition(".")
        provider = run.provider(code) if code else None
        if provider is None or field not in provider.fields:
            result[spec.element] = _entered(spec.element, run.typed)
            continue
        role = _role(spec, provider, person_subject=enterprise is None)
        wants.append(_Want(spec=spec, provider=provider, field=field, role=role))

    def own(want: _Want) -> SubjectRef | None:
        if want.role == "applicant":
            return me
        for kind in want.provider.subject_kinds:
            ref = firm if kind == "enterprise" else me
            if ref is not None:
                return ref
        return None

    # 1. everything about the applicant or the enterprise, except from providers a linked
    #    person is also read from (read once per person, below), plus the links themselves
    roles = {w.role for w in wants}
    deferred = {w.provider.code for w in wants if w.role in LINKED_ROLES}
    planned: dict[int, _Read | None] = {}
    for want in wants:
        if want.role in LINKED_ROLES or want.provider.code in deferred:
            continue
        ref = own(want) if want.role else None
        planned[id(want)] = run.plan(want.provider, ref, want.field) if ref else None
    births, marriages = run.provider("birth_record"), run.provider("marriage")
    if me is not None and roles & {"father", "mother"} and births is not None:
        run.plan(births, me, "father_id_number")
        run.plan(births, me, "mother_id_number")
    if me is not None and "spouse" in roles and marriages is not None:
        run.plan(marriages, me, "spouse_id_number")
    run.run()

    # 2. the linked people
    linked: dict[str, SubjectRef | None] = {}
    if "spouse" in roles:
        linked["spouse"] = run.link("marriage", me, "spouse_id_number")
    if roles & {"father", "mother"}:
        father = run.link("birth_record", me, "father_id_number")
        mother = run.link("birth_record", me, "mother_id_number")
        if father is None and mother is None and applicant is not None:
            if "spouse" not in linked and me is not None and marriages is not None:
                run.plan(marriages, me, "spouse_id_number")
                run.run()
            spouse = run.link("marriage", me, "spouse_id_number")
            male = applicant.sex == Person.Sex.MALE
            father, mother = (me, spouse) if male else (spouse, me)
        linked["father"], linked["mother"] = father, mother

    # 3. the deferred reads, one per (provider, person)
    for want in wants:
        if id(want) in planned:
            continue
        ref = linked.get(want.role) if want.role in LINKED_ROLES else own(want)
        if want.role is None:
            ref = None
        planned[id(want)] = run.plan(want.provider, ref, want.field) if ref else None
    run.run()

    for want in wants:
        result[want.spec.element] = _result(want, planned.get(id(want)), run)
    return {spec.element: result[spec.element] for spec in specs}


def prefill_link(*, filled: Mapping[str, Prefilled], application: Application) -> int:
    """Tie the reads behind prefilled values to the application they ended up in (so the
    applicant's data tracker links to it). Returns how many access records were linked."""
    ids = {p.access_id for p in filled.values() if p.access_id is not None}
    return DataAccess.objects.filter(pk__in=ids, application__isnull=True).update(
        application=application
    )
