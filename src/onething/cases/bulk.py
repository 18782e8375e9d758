"""A million applications for load tests (``onething bulk --applications 1000000 --seed 1``).

The services make one application at a time, with every check; a benchmark needs a database the
size of a province's two years of work, made in minutes. This module writes the same rows the
services would, straight into the tables:

- a pool of applicants: persons (valid 公民身份号码 with python-stdnum check digits, encrypted
  with SM4 and hashed with HMAC-SM3 like ``person_create`` does) with their users, and
  enterprises (valid 统一社会信用代码) operated by their legal representative;
- applications spread over every published one-thing, both counties with departments, all
  channels and statuses, submitted over the last two years (older ones mostly finished, recent
  ones mostly open), each with its encrypted one form, its number and deadline;
- the tasks of every accepted application, one per item of its guide, decided by the department
  the services would dispatch it to, released in precedence order, with due dates in statutory
  working days; an open correction notice for applications awaiting correction;
- a short timeline per application (submitted, accepted, decided, …) as a valid SM3 hash chain.

On PostgreSQL rows go in with ``COPY`` in chunks; elsewhere (the tests' SQLite) with
``executemany``. Primary keys are assigned here, after the current maximum, and the sequences
are reset at the end. Run it on an otherwise idle database: it is a loader, not a service.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import queue
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import psycopg
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from stdnum.cn import ric, uscc

from onething.accounts.models import Enterprise, EnterpriseOperator, Person, StaffRole, User
from onething.audit.chain import GENESIS, event_hash
from onething.audit.models import Event
from onething.catalog.guide import compute_guide
from onething.catalog.models import OneThing
from onething.catalog.selectors import version_current
from onething.core.crypto import hmac_sm3_hex, sm4_encrypt
from onething.core.errors import NotFound
from onething.core.workdays import WorkCalendarUnknown, is_workday
from onething.org.models import Hall, Region

from .demo import valid_form
from .models import Application, Correction, Task
from .services import _lead_department, _task_department
from .workflow import AppState, TaskState

DAYS = 730
CHUNK = 20_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍文辉晨浩宇欣怡子涵梓轩"
CHANNELS = {"web": 60, "window": 25, "kiosk": 10, "api": 5}
DELIVERIES = {"electronic": 60, "window": 25, "courier": 15}
# the share of applications that lives in each county (the rest in the other one)
HOME_SHARE = {"321183": 0.7, "320115": 0.3}
ONE = ({"count": 1}, '{"count": 1}')
OPINIONS = {TaskState.APPROVED: "符合条件，准予办理", TaskState.REJECTED: "不符合条件，不予办理"}
DEFICIENCY = {
    "kind": "material",
    "target": "身份证明",
    "item": "",
    "reason": "照片不清晰，请重新上传",
}


@dataclass
class Plan:
    """What one published one-thing needs to make an application of it."""

    one_thing_id: int
    version_id: int
    region: str
    enterprise: bool
    lead_department_id: int
    items: list[Any]  # the guide's items, predecessors before successors
    statutory_days: int
    form: dict[str, str]
    id_fields: list[str]
    phone_fields: list[str]
    credit_fields: list[str]
    departments: dict[int, dict[str, int]]  # jurisdiction id → item code → department id
    weight: int
    # JSON written once per one-thing, not once per row
    predecessors: dict[str, str] = field(default_factory=dict)
    chosen: str = "[]"
    submitted: tuple[dict[str, Any], str] = ({}, "{}")
    decided: tuple[dict[str, Any], str] = ({}, "{}")

    def __post_init__(self) -> None:
        names = [i.name for i in self.items]
        self.predecessors = {i.code: json.dumps(i.predecessors) for i in self.items}
        self.chosen = json.dumps([i.code for i in self.items])
        self.submitted = _data(data_items=names)
        self.decided = _data(approved=names)


def _data(**values: Any) -> tuple[dict[str, Any], str]:
    return values, json.dumps(values, ensure_ascii=False)


@dataclass
class Applicant:
    person_id: int | None
    enterprise_id: int | None
    user_id: int
    jurisdiction_id: int
    id_number: str
    phone: str
    credit_code: str
    name: str


# ---------------------------------------------------------------- writing rows


class Table:
    """Rows for one model's table, collected per chunk."""

    def __init__(self, model: type[models.Model], fields: str) -> None:
        meta = model._meta
        quote = connection.ops.quote_name
        concrete = {f.name: f.column or f.name for f in meta.concrete_fields}
        columns = ", ".join(quote(concrete[name]) for name in fields.split())
        self.width = len(fields.split())
        self.insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
        self.copy = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        self.rows: list[Sequence[Any]] = []
        self.written = 0

    def add(self, row: Sequence[Any]) -> None:
        self.rows.append(row)

    def take(self) -> tuple[Table, list[Sequence[Any]]]:
        rows, self.rows = self.rows, []
        self.written += len(rows)
        return self, rows


def _adapt(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _insert(table: Table, rows: list[Sequence[Any]]) -> None:
    """Insert through Django's connection (any database), in the caller's transaction."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(table.copy) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * table.width)
            cursor.executemany(
                table.insert + f"({marks})", [[_adapt(v) for v in row] for row in rows]
            )


class Loader:
    """Writes chunks of rows; on PostgreSQL with COPY on a second connection in a thread, so
    that the database takes one chunk while this process makes the next.

    On PostgreSQL the secondary indexes of the big tables (those not behind a primary key or
    unique constraint) are dropped for the load and built again at the end, from their own
    definitions: one sort per index instead of millions of random insertions.

    Called inside a transaction (the tests), everything goes through the caller's connection in
    that transaction instead: a second connection would wait on its locks and commit apart.
    """

    def __init__(self, models_: Sequence[type[models.Model]] = ()) -> None:
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.indexes: list[tuple[str, str]] = []
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._drop_indexes([m._meta.db_table for m in models_])
            self.queue: queue.Queue[list[tuple[Table, list[Sequence[Any]]]] | None]
            self.queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._run, daemon=True)
            self.thread.start()

    def _run(self) -> None:
        conn = connection.get_new_connection(connection.get_connection_params())
        conn.autocommit = True
        conn.execute("SET synchronous_commit = off")
        with contextlib.suppress(psycopg.Error):  # not a superuser: keep the checks
            # the rows reference rows that exist: skip the per-row foreign key triggers
            conn.execute("SET session_replication_role = replica")
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is not None:
                    continue
                try:
                    with conn.transaction(), conn.cursor() as cursor:
                        for table, rows in batch:
                            if rows:
                                with cursor.copy(table.copy) as copy:
                                    for row in rows:
                                        copy.write_row(row)
                except BaseException as exc:  # re-raised in the main thread
                    self.error = exc
        finally:
            conn.close()

    def put(self, batch: list[tuple[Table, list[Sequence[Any]]]]) -> None:
        if self.error is not None:
            raise self.error
        if self.thread is None:
            with transaction.atomic():
                for table, rows in batch:
                    _insert(table, rows)
        else:
            self.queue.put(batch)

    def _drop_indexes(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
                "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM "
                "pg_constraint c WHERE c.conname = i.indexname)",
                [tables],
            )
            self.indexes = list(cursor.fetchall())
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def close(self) -> None:
        """Wait for the last chunk and build the dropped indexes (also after a failure)."""
        try:
            if self.thread is not None:
                self.queue.put(None)
                self.thread.join()
        finally:
            if self.indexes:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '256MB'")
                    for _name, definition in self.indexes:
                        cursor.execute(definition)
        if self.error is not None:
            raise self.error


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(*tables: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Workdays:
    """``add_working_days`` for many dates at once: the working days listed once, then looked
    up by bisection (same answers, including None past the known calendar)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.days: list[dt.date] = []
        day = first
        try:
            while day <= last:
                if is_workday(day):
                    self.days.append(day)
                day += dt.timedelta(days=1)
        except WorkCalendarUnknown:
            pass
        self.known_until = day - dt.timedelta(days=1)

    def add(self, start: dt.date, days: int) -> dt.date | None:
        if days == 0:
            return start
        index = bisect.bisect_right(self.days, start) + days - 1
        if start < self.first or start > self.known_until or index >= len(self.days):
            return None
        return self.days[index]


# ---------------------------------------------------------------- the catalog side


def _ordered(items: list[Any]) -> list[Any]:
    done: set[str] = set()
    ordered: list[Any] = []
    pending = list(items)
    while pending:
        ready = [i for i in pending if set(i.predecessors) <= done | {x.code for x in ordered}]
        if not ready:  # a predecessor outside the chosen items: keep the guide's order
            ready = pending[:1]
        for item in ready:
            ordered.append(item)
            done.add(item.code)
            pending.remove(item)
    return ordered


def _plans(jurisdictions: list[Region], rng: random.Random) -> list[Plan]:
    plans = []
    for one_thing in OneThing.objects.select_related("region").order_by("code"):
        try:
            version = version_current(one_thing.code)
        except NotFound:
            continue
        snapshot = version.snapshot
        guide = compute_guide(snapshot)
        if not guide.items:
            continue
        listing = {i["code"]: i for i in snapshot["items"]}
        departments: dict[int, dict[str, int]] = {}
        for region in jurisdictions:
            probe = Application(version=version, one_thing=one_thing, jurisdiction=region)
            departments[region.pk] = {
                item.code: _task_department(probe, listing[item.code]).pk for item in guide.items
            }
        kinds = {f.element: f.type for f in guide.form}
        plans.append(
            Plan(
                one_thing_id=one_thing.pk,
                version_id=version.pk,
                region=one_thing.region.code,
                enterprise=snapshot.get("audience") == "enterprise",
                lead_department_id=_lead_department(version).pk,
                items=_ordered(guide.items),
                statutory_days=guide.statutory_days,
                form=valid_form(guide),
                id_fields=[e for e, k in kinds.items() if k == "id_number"][:1],
                phone_fields=[e for e, k in kinds.items() if k == "phone"][:1],
                credit_fields=[e for e, k in kinds.items() if k == "uscc"][:1],
                departments=departments,
                # a few life events are far more common than the rest
                weight=rng.choice((1, 2, 3, 5, 8)),
            )
        )
    return plans


# ---------------------------------------------------------------- the applicants


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def _applicants(
    count: int, jurisdictions: list[Region], now: dt.datetime, rng: random.Random
) -> tuple[list[Applicant], list[Applicant]]:
    """Insert ``count`` persons (with users) and one enterprise per twenty of them."""
    streets: dict[int, list[Region]] = {
        r.pk: list(Region.objects.filter(parent=r)) or [r] for r in jurisdictions
    }
    taken = set(Person.objects.values_list("id_number_hash", flat=True))
    user_id, person_id, firm_id = _next_id(User), _next_id(Person), _next_id(Enterprise)
    users = Table(
        User,
        (
            "id password is_superuser username first_name last_name email is_staff is_active "
            "date_joined kind display_name"
        ),
    )
    persons = Table(
        Person,
        (
            "id user name id_number id_number_hash phone phone_hash sex birth_date "
            "household_region created_at updated_at"
        ),
    )
    firms = Table(
        Enterprise,
        "id name credit_code legal_representative region address created_at updated_at",
    )
    operators = Table(
        EnterpriseOperator,
        "enterprise user role valid_until revoked_at created_at updated_at",
    )
    people: list[Applicant] = []
    enterprises: list[Applicant] = []
    taken_codes = set(Enterprise.objects.values_list("credit_code", flat=True))
    weights = [HOME_SHARE.get(r.code, 0.1) for r in jurisdictions]
    while len(people) < count:
        home = rng.choices(jurisdictions, weights)[0]
        street = rng.choice(streets[home.pk])
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(65 * 365))
        body = f"{home.code[:6]}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")
        digest = hmac_sm3_hex(number)
        if digest in taken:
            continue
        taken.add(digest)
        phone, name = _phone(rng), _name(rng)
        users.add(
            [
                user_id,
                "!",
                False,
                f"bulk-{user_id}",
                "",
                "",
                "",
                False,
                True,
                now,
                "applicant",
                name,
            ]
        )
        sex = "M" if int(number[16]) % 2 else "F"
        persons.add(
            [
                person_id,
                user_id,
                name,
                sm4_encrypt(number),
                digest,
                sm4_encrypt(phone),
                hmac_sm3_hex(phone),
                sex,
                birth,
                street.pk,
                now,
                now,
            ]
        )
        person = Applicant(person_id, None, user_id, home.pk, number, phone, "", name)
        people.append(person)
        if len(people) % 20 == 0:
            code = f"91{home.code[:6]}{rng.randrange(10**9):09d}"
            code += uscc.calc_check_digit(code)
            if code not in taken_codes:
                taken_codes.add(code)
                firm_name = (
                    f"{home.name}{name}{rng.choice(('商贸', '餐饮', '科技', '运输'))}有限公司"
                )
                firms.add([firm_id, firm_name, code, person_id, home.pk, "", now, now])
                operators.add([firm_id, user_id, "legal_rep", None, None, now, now])
                enterprises.append(
                    Applicant(None, firm_id, user_id, home.pk, number, phone, code, name)
                )
                firm_id += 1
        user_id += 1
        person_id += 1
    for table in (users, persons, firms, operators):
        _insert(*table.take())
    return people, enterprises


# ---------------------------------------------------------------- applications


# (younger than so many days, the share of each status): older applications are mostly done
STATUS_BY_AGE: list[tuple[int, dict[str, int]]] = [
    (10, {"submitted": 40, "correction": 10, "accepted": 45, "refused": 3, "withdrawn": 2}),
    (
        60,
        {"submitted": 2, "correction": 3, "accepted": 45, "decided": 25, "delivered": 20}
        | {"refused": 3, "withdrawn": 2},
    ),
    (DAYS + 1, {"accepted": 3, "decided": 5, "delivered": 85, "refused": 4, "withdrawn": 3}),
]
ACCEPTED_STATES = {AppState.ACCEPTED, AppState.DECIDED, AppState.DELIVERED}
FINISHED_STATES = {AppState.REFUSED, AppState.WITHDRAWN, AppState.DECIDED, AppState.DELIVERED}


def _status(age_days: float, rng: random.Random) -> str:
    for limit, shares in STATUS_BY_AGE:
        if age_days < limit:
            return _pick(shares, rng)
    return AppState.DELIVERED


def _pick(shares: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(shares), list(shares.values()))[0]


def _between(start: dt.datetime, end: dt.datetime, rng: random.Random) -> dt.datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


@dataclass
class Writer:
    applications: Table
    tasks: Table
    events: Table
    corrections: Table
    actor: User
    workdays: Workdays
    offset: dt.timedelta  # of local time, for the local date of a moment
    now: dt.datetime
    rng: random.Random

    def event(
        self,
        app_id: int,
        chain: list[str],
        kind: str,
        at: dt.datetime,
        channel: str,
        who: tuple[int, str] | None = None,
        reason: str = "",
        data: tuple[dict[str, Any], str] = ({}, "{}"),
    ) -> None:
        """One timeline event, chained to the one before as ``audit.chain`` does."""
        actor_id, actor_name = who or (self.actor.pk, str(self.actor))
        values = SimpleNamespace(
            application_id=app_id,
            seq=len(chain) + 1,
            kind=kind,
            task_id=None,
            actor_id=actor_id,
            actor_name=actor_name,
            channel=channel,
            reason=reason,
            data=data[0],
            at=at.replace(microsecond=0),
        )
        prev = chain[-1] if chain else GENESIS
        digest = event_hash(prev, values)  # type: ignore[arg-type]
        self.events.add(
            (app_id, values.seq, kind, None, actor_id, actor_name, channel, reason)  # noqa: RUF005 - one row, in lines
            + (data[1], values.at, prev, digest)
        )
        chain.append(digest)

    def tasks_for(
        self, app_id: int, plan: Plan, applicant: Applicant, status: str, accepted: dt.datetime
    ) -> dt.datetime:
        """Insert the tasks; return when the last one was decided."""
        rng, now, add = self.rng, self.now, self.tasks.add
        departments = plan.departments[applicant.jurisdiction_id]
        done_at: dict[str, dt.datetime] = {}
        finished = status != AppState.ACCEPTED
        # an accepted application is part way through: older ones further along
        progress = 1.0 if finished else min(0.9, (now - accepted).days / 30)
        last = accepted
        rows: list[list[Any]] = []
        for item in plan.items:
            state, released, decided = TaskState.WAITING, None, None
            if all(p in done_at for p in item.predecessors):
                released = max([accepted, *(done_at[p] for p in item.predecessors)])
                released = min(released + dt.timedelta(minutes=rng.randrange(1, 240)), now)
                if rng.random() < progress:
                    span = dt.timedelta(days=min(item.statutory_days, 10) * rng.random())
                    decided = min(released + span, now)
                    rejected = finished and rng.random() < 0.02
                    state = TaskState.REJECTED if rejected else TaskState.APPROVED
                    done_at[item.code] = decided
                    last = max(last, decided)
                else:
                    state = TaskState.CLAIMED if rng.random() < 0.4 else TaskState.RELEASED
            rows.append([item, state, released, decided])
        if not finished and len(done_at) == len(rows):  # still open: one task in hand
            rows[-1][1], rows[-1][3] = TaskState.CLAIMED, None
        for item, state, released, decided in rows:
            due = (
                self.workdays.add((released + self.offset).date(), item.statutory_days)
                if released
                else None
            )
            add(
                (app_id, item.code, item.name, departments[item.code], state)  # noqa: RUF005 - one row, in lines
                + (plan.predecessors[item.code], item.statutory_days, item.commitment)
                + (released, due, None, None, decided, OPINIONS.get(state, ""), "")
                + (1 if decided else 0, accepted, decided or released or accepted)
            )
        return last

    def application(
        self,
        app_id: int,
        plan: Plan,
        applicant: Applicant,
        submitted: dt.datetime,
        halls: dict[int, list[int]],
    ) -> None:
        rng, now = self.rng, self.now
        status = _status((now - submitted).total_seconds() / 86400, rng)
        channel = _pick(CHANNELS, rng)
        hall = None
        if channel in {"window", "kiosk"} and halls.get(applicant.jurisdiction_id):
            hall = rng.choice(halls[applicant.jurisdiction_id])
        form = dict(plan.form)
        for element in plan.id_fields:
            form[element] = applicant.id_number
            if element.endswith("id_number") and f"{element[:-9]}birth_date" in form:
                form[f"{element[:-9]}birth_date"] = ric.get_birth_date(
                    applicant.id_number
                ).isoformat()
        for element in plan.phone_fields:
            form[element] = applicant.phone
        for element in plan.credit_fields:
            form[element] = applicant.credit_code or form[element]
        chain: list[str] = []
        who = (applicant.user_id, applicant.name)
        self.event(app_id, chain, "submitted", submitted, channel, who, data=plan.submitted)
        accepted_at = due = finished = None
        if status in ACCEPTED_STATES:
            accepted_at = min(submitted + dt.timedelta(hours=rng.uniform(1, 72)), now)
            due = self.workdays.add((accepted_at + self.offset).date(), plan.statutory_days)
            self.event(app_id, chain, "accepted", accepted_at, channel)
            last = self.tasks_for(app_id, plan, applicant, status, accepted_at)
            if status != AppState.ACCEPTED:
                finished = last
                self.event(app_id, chain, "decided", finished, "web", data=plan.decided)
            if status == AppState.DELIVERED:
                handed = _between(finished or last, now, rng)
                handed = min(handed, (finished or last) + dt.timedelta(days=5))
                self.event(app_id, chain, "delivered", handed, "web")
        elif status == AppState.CORRECTION:
            issued = _between(submitted, min(now, submitted + dt.timedelta(days=3)), rng)
            reason = DEFICIENCY["reason"]
            self.event(app_id, chain, "correction_issued", issued, "web", reason=reason, data=ONE)
            deficiencies = json.dumps(
                [{**DEFICIENCY, "item": plan.items[0].name}], ensure_ascii=False
            )
            self.corrections.add(
                (app_id, "open", deficiencies, self.actor.pk, None, None, issued, issued)
            )
        elif status == AppState.REFUSED:
            finished = _between(submitted, min(now, submitted + dt.timedelta(days=5)), rng)
            self.event(app_id, chain, "refused", finished, "web", reason="不属于本事项受理范围")
        elif status == AppState.WITHDRAWN:
            finished = _between(submitted, min(now, submitted + dt.timedelta(days=5)), rng)
            self.event(app_id, chain, "withdrawn", finished, "web", who, reason="申请人主动撤回")
        delivery = _pick(DELIVERIES, rng)
        address = sm4_encrypt("江苏省句容市华阳北路88号") if delivery == "courier" else ""
        number = f"YJS{plan.region}{submitted + self.offset:%Y%m%d}{app_id:07d}"
        updated = max(x for x in (submitted, accepted_at, finished) if x is not None)
        self.applications.add(
            (app_id, number, plan.one_thing_id, plan.version_id, applicant.person_id)  # noqa: RUF005 - one row, in lines
            + (applicant.enterprise_id, applicant.user_id, channel, hall)
            + (applicant.jurisdiction_id, plan.lead_department_id, status, "{}", plan.chosen)
            + (sm4_encrypt(json.dumps(form, ensure_ascii=False)), delivery, address, submitted)
            + (accepted_at, due, 0, finished, chain[-1], submitted, updated)
        )


def _actor() -> User:
    """The staff member the bulk decisions are recorded against (a window clerk if any)."""
    clerk = User.objects.filter(memberships__role=StaffRole.WINDOW_CLERK).order_by("pk").first()
    if clerk is not None:
        return clerk
    user, _ = User.objects.get_or_create(
        username="bulk-clerk",
        defaults={"kind": User.Kind.STAFF, "display_name": "批量窗口", "password": "!"},
    )
    return user


def bulk_load(
    *,
    applications: int,
    seed: int = 1,
    persons: int | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Insert ``applications`` applications with their tasks, timelines and applicants."""
    rng = random.Random(seed)
    now = timezone.now()
    jurisdictions = list(
        Region.objects.filter(level=Region.Level.COUNTY, departments__isnull=False)
        .distinct()
        .order_by("code")
    )
    if not jurisdictions:
        raise NotFound(
            code="no_departments",
            message="没有设有部门的区县，请先运行 onething org load。",
            message_en="No county has departments; run `onething org load` first.",
        )
    plans = _plans(jurisdictions, rng)
    if not plans:
        raise NotFound(
            code="no_one_things",
            message="没有已发布的一件事，请先运行 onething catalog load。",
            message_en="No published one-thing; run `onething catalog load` first.",
        )
    halls: dict[int, list[int]] = {}
    for hall in Hall.objects.select_related("region"):
        for region in jurisdictions:
            if hall.region.path.startswith(region.path):
                halls.setdefault(region.pk, []).append(hall.pk)
    with transaction.atomic():
        people, firms = _applicants(
            persons or max(20, min(200_000, applications // 10)), jurisdictions, now, rng
        )
        actor = _actor()
    writer = Writer(
        applications=Table(
            Application,
            (
                "id number one_thing version person enterprise submitted_by channel hall "
                "jurisdiction lead_department status answers chosen_items form_data delivery "
                "delivery_address submitted_at accepted_at due_date paused_workdays finished_at "
                "timeline_head created_at updated_at"
            ),
        ),
        tasks=Table(
            Task,
            (
                "application item_code item_name department status predecessors statutory_days "
                "commitment released_at due_date claimed_by decided_by decided_at opinion "
                "attachment revision created_at updated_at"
            ),
        ),
        events=Table(
            Event,
            ("application seq kind task actor actor_name channel reason data at prev_hash hash"),
        ),
        corrections=Table(
            Correction,
            ("application status deficiencies issued_by task answered_at created_at updated_at"),
        ),
        actor=actor,
        now=now,
        rng=rng,
        workdays=Workdays(
            (now - dt.timedelta(days=DAYS + 2)).date(), (now + dt.timedelta(days=400)).date()
        ),
        offset=timezone.localtime(now).utcoffset() or dt.timedelta(0),
    )
    loader = Loader([Application, Task, Event])
    weights = [p.weight for p in plans]
    start = now - dt.timedelta(days=DAYS)
    step = dt.timedelta(days=DAYS) / max(applications, 1)
    first_id = _next_id(Application)
    try:
        for index in range(applications):
            plan = rng.choices(plans, weights)[0]
            pool = firms if plan.enterprise and firms else people
            submitted = start + step * (index + rng.random())
            writer.application(first_id + index, plan, rng.choice(pool), submitted, halls)
            if (index + 1) % chunk == 0 or index + 1 == applications:
                tables = (writer.applications, writer.tasks, writer.events, writer.corrections)
                loader.put([table.take() for table in tables])
                if progress is not None:
                    progress(index + 1)
    finally:
        loader.close()
    _reset_sequences(User, Person, Enterprise, EnterpriseOperator, Application, Task, Event)
    _reset_sequences(Correction)
    if connection.vendor == "postgresql":
        # VACUUM sets the visibility map, without which no scan is index-only (autovacuum
        # would get there on its own, some time after the load); it cannot run in a transaction
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Application, Task, Event, Correction, Person, User):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return {
        "applications": writer.applications.written,
        "tasks": writer.tasks.written,
        "events": writer.events.written,
        "persons": len(people),
        "enterprises": len(firms),
    }
