"""Figures for supervisors, computed from the real rows and scoped to who is asking.

Who sees what: supervisors see their region and the regions below it, platform administrators
everything (``accounts.selectors.staff_scope``); everyone else is refused.

What is counted, for applications *submitted* in the period:

- an application counts where it was accepted: its lead department's region;
- a department task (部门办件) counts where it is decided: its department's region — so a
  句容市 supervisor sees 句容市's tasks of a 江宁区 applicant's case, never 江宁区's;
- 办件量: applications; for a department, the applications in which it has a task;
- 按时办结率: tasks approved or rejected on or before their due date, of those decided;
- 平均办结用时: working days from submission to the last decision, of finished applications
  (``core.workdays.working_days_between``, so holidays do not count);
- 补正率: accepted applications that had a correction notice (一次性告知补正), of those accepted;
- 超期预警: yellow and red deadline warnings raised for the tasks (or the case);
- 一件事模式占比: items handled in one-thing mode (tasks) ÷ (those + the items' stand-alone
  volume). The platform only sees one-thing applications, so the stand-alone volume is the
  ``StandaloneVolume`` that editors enter or import; a figure for a longer period counts in
  proportion to the days it shares with the period asked for. No stand-alone figure: “—”.
- 评价 and 工单: from ``ratings`` and ``hotline`` when those models exist (``feedback``).

Every breakdown is a handful of grouped queries (``values().annotate()``), never one per row;
the working days are computed once per distinct (submitted, finished) pair of dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import StaffScope, staff_scope
from onething.cases.models import Application, Channel, Correction, DeadlineWarning, Task
from onething.cases.workflow import AppState, TaskState
from onething.catalog.models import OneThing, OneThingItem, ServiceItem
from onething.core.errors import PermissionDenied
from onething.core.workdays import WorkCalendarUnknown, working_days_between
from onething.org.models import Department, Region

from . import feedback
from .models import StandaloneVolume
from .periods import Period, parse_period

FINISHED = (AppState.DECIDED, AppState.DELIVERED)
DECIDED = (TaskState.APPROVED, TaskState.REJECTED)
ONLINE_CHANNELS = (Channel.WEB, Channel.API)


# ---------------------------------------------------------------- scope


def insight_scope(user: User) -> StaffScope:
    """The scope of a supervisor or platform administrator; PermissionDenied for anyone else."""
    scope = staff_scope(user)
    if not (scope.is_platform_admin or StaffRole.SUPERVISOR in scope.roles):
        raise PermissionDenied(
            code="not_supervisor",
            message="统计分析与工作评价供监督管理人员和平台管理员使用。",
            message_en="Statistics and assessments are for supervisors and platform "
            "administrators.",
        )
    return scope


def region_filter(scope: StaffScope, path: str) -> Q:
    """A filter on a region path field (e.g. ``region__path``) for what ``scope`` supervises."""
    if scope.is_platform_admin:
        return Q()
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role == StaffRole.SUPERVISOR:
            condition |= Q(**{f"{path}__startswith": grant.region_path})
    return condition


def in_scope(scope: StaffScope, department: str) -> Q:
    """A filter on a department foreign key (``department``, ``task__department`` …) for the
    departments ``scope`` supervises."""
    if scope.is_platform_admin:
        return Q()
    supervised = Department.objects.filter(scope.department_filter(StaffRole.SUPERVISOR))
    return Q(**{f"{department}__in": supervised.values("pk")})


def one_things_in_scope(user: User) -> QuerySet[OneThing]:
    """Published one-things of the supervised regions, in catalog order."""
    scope = insight_scope(user)
    return (
        OneThing.objects.filter(region_filter(scope, "region__path"))
        .filter(status=OneThing.Status.PUBLISHED)
        .select_related("region")
        .order_by("seq", "code")
    )


def departments_in_scope(user: User) -> QuerySet[Department]:
    scope = insight_scope(user)
    return (
        Department.objects.filter(scope.department_filter(StaffRole.SUPERVISOR))
        .select_related("region")
        .order_by("region__code", "kind__code")
    )


def standalone_volumes_for(user: User) -> QuerySet[StandaloneVolume]:
    """Stand-alone volumes of the regions a supervisor or catalog editor covers."""
    scope = staff_scope(user)
    rows = StandaloneVolume.objects.select_related("region", "entered_by")
    if scope.is_platform_admin:
        return rows
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role in (StaffRole.SUPERVISOR, StaffRole.CATALOG_EDITOR):
            condition |= Q(region__path__startswith=grant.region_path)
    return rows.filter(condition)


# ---------------------------------------------------------------- what is asked and answered


@dataclass(frozen=True)
class Filters:
    period: Period
    one_thing: str = ""  # a one-thing code
    department: int | None = None
    channel: str = ""

    @classmethod
    def from_query(cls, query: Any, default: Period) -> Filters:
        """From request.GET-like data; an unknown period raises ValidationFailed."""
        text = (query.get("period") or "").strip()
        department = (query.get("department") or "").strip()
        channel = (query.get("channel") or "").strip()
        return cls(
            period=parse_period(text) if text else default,
            one_thing=(query.get("one_thing") or "").strip(),
            # isascii: "²" is a digit to isdigit() but not to int() (a 500, found by schemathesis)
            department=int(department) if department.isascii() and department.isdigit() else None,
            channel=channel if channel in Channel.values else "",
        )


def _rate(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """One line of figures: the whole scope, or one one-thing, department, region or channel."""

    key: Any
    label: str
    volume: int = 0
    accepted: int = 0
    corrected: int = 0
    finished: int = 0
    days_total: int = 0
    days_count: int = 0
    tasks: int = 0
    decided: int = 0
    on_time: int = 0
    yellow: int = 0
    red: int = 0
    standalone: float | None = None  # items' stand-alone volume; None: not recorded
    ratings: int | None = None
    rating_average: float | None = None
    tickets: int | None = None

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.decided)

    @property
    def correction_rate(self) -> float | None:
        return _rate(self.corrected, self.accepted)

    @property
    def average_days(self) -> float | None:
        return round(self.days_total / self.days_count, 1) if self.days_count else None

    @property
    def one_thing_items(self) -> int:
        return self.tasks

    @property
    def share(self) -> float | None:
        """一件事模式占比 (%): tasks ÷ (tasks + stand-alone volume)."""
        if self.standalone is None:
            return None
        return _rate(self.tasks, self.tasks + self.standalone)

    def add(self, other: Figures) -> None:
        for name in ("volume", "accepted", "corrected", "finished", "days_total", "days_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("tasks", "decided", "on_time", "yellow", "red"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        if data["standalone"] is not None:
            data["standalone"] = round(data["standalone"], 1)
        data.update(
            on_time_rate=self.on_time_rate,
            correction_rate=self.correction_rate,
            average_days=self.average_days,
            one_thing_items=self.one_thing_items,
            share=self.share,
        )
        return data


@dataclass
class Summary:
    filters: Filters
    total: Figures
    by_one_thing: list[Figures]
    by_department: list[Figures]
    by_region: list[Figures]
    by_channel: list[Figures]
    trend: list[tuple[str, int]]  # (month, applications)
    ratings_available: bool = False
    tickets_available: bool = False
    standalone_recorded: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {
                "code": self.filters.period.code,
                "label": self.filters.period.label,
                "start": self.filters.period.start.isoformat(),
                "end": self.filters.period.end.isoformat(),
            },
            "filters": {
                "one_thing": self.filters.one_thing or None,
                "department": self.filters.department,
                "channel": self.filters.channel or None,
            },
            "total": self.total.as_dict(),
            "by_one_thing": [row.as_dict() for row in self.by_one_thing],
            "by_department": [row.as_dict() for row in self.by_department],
            "by_region": [row.as_dict() for row in self.by_region],
            "by_channel": [row.as_dict() for row in self.by_channel],
            "trend": [{"month": month, "volume": volume} for month, volume in self.trend],
            "ratings_available": self.ratings_available,
            "tickets_available": self.tickets_available,
            "standalone_recorded": self.standalone_recorded,
        }


# ---------------------------------------------------------------- grouped queries


@lru_cache(maxsize=4096)
def _working_days(start: Any, end: Any) -> int | None:
    try:
        return working_days_between(start, end)
    except WorkCalendarUnknown:
        return None


def _as_date(value: Any) -> Any:
    """TruncDate gives a date on PostgreSQL and may give an ISO string on SQLite."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


Breakdowns = dict[str, dict[Any, Figures]]  # dimension → key → figures
DIMENSIONS = ("one_thing", "channel", "region", "department")


def keys(**expressions: Any) -> dict[str, Any]:
    """Group-by expressions aliased ``k_<dimension>`` (so they never clash with a field)."""
    return {f"k_{dimension}": expression for dimension, expression in expressions.items()}


def _roll_up(into: Breakdowns, row: Mapping[str, Any], metrics: Mapping[str, Any]) -> None:
    """Add one grouped row to every breakdown it names (row[dimension] is its key there).

    Grouping by every dimension at once partitions the rows, so the same query fills all
    breakdowns and the sums stay exact. Keys are aliased ``k_<dimension>`` (see ``keys``)."""
    for dimension in DIMENSIONS:
        if f"k_{dimension}" not in row:
            continue
        key = row[f"k_{dimension}"]
        figures = into[dimension].setdefault(key, Figures(key=key, label=""))
        for name, value in metrics.items():
            setattr(figures, name, getattr(figures, name) + (value or 0))


def _application_figures(
    rows: QuerySet[Any], by: dict[str, Any], prefix: str, into: Breakdowns
) -> None:
    """Volume, acceptance, corrections, finishing and working days.

    ``rows`` are applications (``prefix`` "") or tasks (``prefix`` "application__", counting
    each application once per group); ``by`` names the dimensions to group by (``keys``).
    """
    ident = "application" if prefix else "pk"
    accepted = Q(**{f"{prefix}accepted_at__isnull": False})
    corrected = Exists(Correction.objects.filter(application=OuterRef(ident)))
    finished = Q(**{f"{prefix}status__in": FINISHED})
    grouped = (
        rows.values(**by)
        .annotate(
            volume=Count(ident, distinct=True),
            accepted=Count(ident, filter=accepted, distinct=True),
            corrected=Count(ident, filter=accepted & Q(corrected), distinct=True),
            finished=Count(ident, filter=finished, distinct=True),
        )
        .order_by()
    )
    for row in grouped:
        _roll_up(into, row, {m: row[m] for m in ("volume", "accepted", "corrected", "finished")})
    days = (
        rows.filter(finished, **{f"{prefix}finished_at__isnull": False})
        .values(
            **by,
            first=TruncDate(f"{prefix}submitted_at"),
            last=TruncDate(f"{prefix}finished_at"),
        )
        .annotate(n=Count(ident, distinct=True))
        .order_by()
    )
    for row in days:
        count = _working_days(_as_date(row["first"]), _as_date(row["last"]))
        if count is not None:
            _roll_up(into, row, {"days_total": count * row["n"], "days_count": row["n"]})


def _task_figures(tasks: QuerySet[Task], by: dict[str, Any], into: Breakdowns) -> None:
    decided = Q(status__in=DECIDED, decided_at__isnull=False, due_date__isnull=False)
    on_time = decided & Q(LessThanOrEqual(TruncDate("decided_at"), F("due_date")))
    grouped = (
        tasks.values(**by)
        .annotate(
            tasks=Count("pk"),
            decided=Count("pk", filter=decided),
            on_time=Count("pk", filter=on_time),
        )
        .order_by()
    )
    for row in grouped:
        _roll_up(into, row, {m: row[m] for m in ("tasks", "decided", "on_time")})


def _warning_figures(
    warnings: QuerySet[DeadlineWarning], by: dict[str, Any], into: Breakdowns
) -> None:
    grouped = (
        warnings.values(**by)
        .annotate(
            yellow=Count("pk", filter=Q(level=DeadlineWarning.Level.YELLOW)),
            red=Count("pk", filter=Q(level=DeadlineWarning.Level.RED)),
        )
        .order_by()
    )
    for row in grouped:
        _roll_up(into, row, {"yellow": row["yellow"], "red": row["red"]})


# ---------------------------------------------------------------- stand-alone volume


@dataclass(frozen=True)
class _Volume:
    item_code: str
    region_id: int
    count: float  # in proportion to the days shared with the period


def _standalone(scope: StaffScope, period: Period, codes: Iterable[str] | None) -> list[_Volume]:
    rows = StandaloneVolume.objects.filter(
        region_filter(scope, "region__path"),
        period_start__lt=period.end,
        period_end__gt=period.start,
    )
    if codes is not None:
        rows = rows.filter(item_code__in=list(codes))
    result = []
    for code, region_id, start, end, count in rows.values_list(
        "item_code", "region_id", "period_start", "period_end", "count"
    ):
        share = period.overlap_days(Period(start, end, "", "")) / max(1, (end - start).days)
        result.append(_Volume(code, region_id, count * share))
    return result


def _sum(volumes: Iterable[_Volume]) -> float | None:
    listed = list(volumes)
    return sum(v.count for v in listed) if listed else None


# ---------------------------------------------------------------- the summary


def _label_rows(
    rows: dict[Any, Figures], labels: dict[Any, str], order_by_volume: bool = True
) -> list[Figures]:
    for key, figures in rows.items():
        figures.label = labels.get(key, str(key) if key is not None else "—")
    listed = [r for r in rows.values() if r.key is not None]
    if order_by_volume:
        listed.sort(key=lambda r: (-r.volume, -r.tasks, r.label))
    return listed


def _application_q(filters: Filters, prefix: str = "") -> Q:
    start, end = filters.period.bounds()
    condition = Q(**{f"{prefix}submitted_at__gte": start, f"{prefix}submitted_at__lt": end})
    if filters.one_thing:
        condition &= Q(**{f"{prefix}one_thing__code": filters.one_thing})
    if filters.channel:
        condition &= Q(**{f"{prefix}channel": filters.channel})
    return condition


def insight_summary(user: User, filters: Filters) -> Summary:
    """Every figure of the dashboard and of ``GET /api/v1/insight/summary``."""
    scope = insight_scope(user)
    applications = Application.objects.filter(
        _application_q(filters), in_scope(scope, "lead_department")
    )
    tasks = Task.objects.filter(
        _application_q(filters, "application__"), in_scope(scope, "department")
    )
    warnings = DeadlineWarning.objects.filter(_application_q(filters, "application__")).filter(
        Q(task__isnull=False) & in_scope(scope, "task__department")
        | Q(task__isnull=True) & in_scope(scope, "application__lead_department")
    )
    if filters.department:
        dept = filters.department
        applications = applications.filter(
            Q(lead_department_id=dept)
            | Q(Exists(Task.objects.filter(application=OuterRef("pk"), department_id=dept)))
        )
        tasks = tasks.filter(department_id=dept)
        warnings = warnings.filter(
            Q(task__department_id=dept) | Q(task__isnull=True, application__lead_department_id=dept)
        )

    into: Breakdowns = {dimension: {} for dimension in DIMENSIONS}
    application_keys = keys(
        one_thing=F("one_thing_id"),
        channel=F("channel"),
        region=F("lead_department__region_id"),
    )
    _application_figures(applications, application_keys, "", into)
    _application_figures(tasks, keys(department=F("department_id")), "application__", into)
    _task_figures(
        tasks,
        keys(
            one_thing=F("application__one_thing_id"),
            channel=F("application__channel"),
            region=F("department__region_id"),
            department=F("department_id"),
        ),
        into,
    )
    _warning_figures(
        warnings,
        keys(
            one_thing=F("application__one_thing_id"),
            channel=F("application__channel"),
            region=Coalesce(
                "task__department__region_id", "application__lead_department__region_id"
            ),
            department=Coalesce("task__department_id", "application__lead_department_id"),
        ),
        into,
    )
    by_one_thing, by_channel = into["one_thing"], into["channel"]
    by_region, by_department = into["region"], into["department"]

    total = Figures(key=None, label="合计")
    for figures in by_one_thing.values():  # every application, task and warning has one
        total.add(figures)

    sources = feedback.sources()
    for name, source in sources.items():
        if source is not None:
            _feedback(name, source, applications, scope, filters, into, total)

    # labels, in three queries
    one_things = {
        pk: (name, code)
        for pk, name, code in OneThing.objects.filter(pk__in=list(by_one_thing)).values_list(
            "pk", "name", "code"
        )
    }
    departments = {
        pk: (name, region_id, kind_id)
        for pk, name, region_id, kind_id in Department.objects.filter(
            pk__in=list(by_department)
        ).values_list("pk", "name", "region_id", "kind_id")
    }
    regions = dict(Region.objects.filter(pk__in=list(by_region)).values_list("pk", "name"))

    standalone_recorded = _shares(
        scope, filters, by_one_thing, by_department, by_region, total, departments
    )
    trend_rows = (
        applications.values(month=TruncMonth("submitted_at")).annotate(n=Count("pk")).order_by()
    )
    counted = {}
    for row in trend_rows:
        moment = row["month"]
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        counted[(moment.year, moment.month)] = row["n"]
    trend = [
        (m.label, counted.get((m.start.year, m.start.month), 0)) for m in filters.period.months()
    ]

    return Summary(
        filters=filters,
        total=total,
        by_one_thing=_label_rows(
            by_one_thing, {pk: name for pk, (name, _code) in one_things.items()}
        ),
        by_department=_label_rows(
            by_department, {pk: name for pk, (name, *_rest) in departments.items()}
        ),
        by_region=_label_rows(by_region, regions),
        by_channel=_label_rows(by_channel, {c.value: str(c.label) for c in Channel}),
        trend=trend,
        ratings_available=sources["ratings"] is not None,
        tickets_available=sources["tickets"] is not None,
        standalone_recorded=standalone_recorded,
    )


def _shares(
    scope: StaffScope,
    filters: Filters,
    by_one_thing: dict[Any, Figures],
    by_department: dict[Any, Figures],
    by_region: dict[Any, Figures],
    total: Figures,
    departments: dict[Any, tuple[str, int, int]],
) -> bool:
    """Fill in the stand-alone volumes; True when any was recorded for the period."""
    codes: set[str] | None = None
    items_of: dict[int, set[str]] = defaultdict(set)
    wanted = Q(one_thing_id__in=list(by_one_thing))
    if filters.one_thing:
        wanted |= Q(one_thing__code=filters.one_thing)
    for one_thing_id, code in OneThingItem.objects.filter(wanted).values_list(
        "one_thing_id", "item__code"
    ):
        items_of[one_thing_id].add(code)
    if filters.one_thing:
        codes = set().union(*items_of.values()) if items_of else set()
    volumes = _standalone(scope, filters.period, codes)
    if not volumes:
        return False
    kinds = dict(
        ServiceItem.objects.filter(code__in={v.item_code for v in volumes}).values_list(
            "code", "department_kind_id"
        )
    )
    if filters.department:
        dept = Department.objects.filter(pk=filters.department).values_list("region_id", "kind_id")
        region_id, kind_id = dept.first() or (None, None)
        volumes = [
            v for v in volumes if v.region_id == region_id and kinds.get(v.item_code) == kind_id
        ]
    total.standalone = _sum(volumes)
    for one_thing_id, figures in by_one_thing.items():
        figures.standalone = _sum(v for v in volumes if v.item_code in items_of[one_thing_id])
    for department_id, figures in by_department.items():
        _name, region_id, kind_id = departments.get(department_id, ("", None, None))
        figures.standalone = _sum(
            v for v in volumes if v.region_id == region_id and kinds.get(v.item_code) == kind_id
        )
    for region_id, figures in by_region.items():
        figures.standalone = _sum(v for v in volumes if v.region_id == region_id)
    return True


def _feedback(
    name: str,
    source: feedback.Feedback,
    applications: QuerySet[Application],
    scope: StaffScope,
    filters: Filters,
    into: Breakdowns,
    total: Figures,
) -> None:
    """Ratings or tickets of the applications counted (or of the one-things, in the period),
    in one grouped query."""
    one_things = OneThing.objects.filter(region_filter(scope, "region__path"))
    if filters.one_thing:
        one_things = one_things.filter(code=filters.one_thing)
    start, end = filters.period.bounds()
    rows = source.rows(
        applications=applications.values("pk"),
        one_things=one_things.values("pk"),
        start=start,
        end=end,
    )
    sums: dict[str, dict[Any, list[float]]] = {
        d: defaultdict(lambda: [0, 0, 0]) for d in DIMENSIONS
    }
    grand = [0.0, 0.0, 0.0]
    for row in source.grouped(rows):
        values = (row["n"], float(row["score_sum"] or 0), row["score_count"])
        for i, value in enumerate(values):
            grand[i] += value
        for dimension in DIMENSIONS:
            key = row.get(f"k_{dimension}")
            if key is not None:
                for i, value in enumerate(values):
                    sums[dimension][key][i] += value
    _put(total, name, grand)
    for key in sums["one_thing"]:  # a one-thing asked about, without applications this period
        into["one_thing"].setdefault(key, Figures(key=key, label=""))
    for dimension, keyed in sums.items():
        for key, figures in into[dimension].items():
            _put(figures, name, keyed.get(key, [0, 0, 0]))


def _put(figures: Figures, name: str, sums: list[float]) -> None:
    count, score_sum, scored = sums
    if name == "ratings":
        figures.ratings = int(count)
        figures.rating_average = round(score_sum / scored, 2) if scored else None
    else:
        figures.tickets = int(count)
