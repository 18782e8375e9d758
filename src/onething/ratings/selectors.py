"""Reads of 好差评: an application's ratings, the rectifications a staff member answers for or
supervises, and the public figures per department (no personal data).

Figures (公开的评价统计), per department rated:

- 评价数: ratings in effect — a re-rating after a rectification replaces the first rating, and a
  bad rating found unfounded on appeal (申诉成立) is not counted;
- the share of each of the five levels among them, and 满意率 (基本满意 or better);
- 整改率: rectifications closed after their return visit, of those not found unfounded;
- 按时答复率: replies given by the deadline, of those replied or already overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from onething.accounts.models import StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.cases.models import Application
from onething.org.models import Department, Region

from .levels import LEVELS_HIGH_TO_LOW, SATISFIED_LEVELS
from .models import Rating, Rectification, Target
from .services import DECIDED_APPLICATION, DECIDED_TASK, DEPARTMENT_ROLES, applicant_user_ids

S = Rectification.Status
WAITING_FOR_REPLY = (S.OPEN, S.APPEAL_REJECTED)


# ---------------------------------------------------------------- an application's ratings


def ratings_of_application(application: Application) -> list[Rating]:
    """Every rating of the application and of its tasks, oldest first, with rectifications."""
    return list(
        Rating.objects.filter(application=application)
        .exclude(target=Target.WINDOW)
        .select_related("task", "department", "rectification", "supersedes")
        .order_by("created_at", "pk")
    )


def rating_chains(application: Application) -> dict[tuple[str, int | None], list[Rating]]:
    """Ratings per thing rated (("application", None) or ("task", task id)), oldest first."""
    chains: dict[tuple[str, int | None], list[Rating]] = {}
    for rating in ratings_of_application(application):
        key = (rating.target, rating.task_id if rating.target == Target.TASK else None)
        chains.setdefault(key, []).append(rating)
    return chains


def may_rate(application: Application, user: User) -> bool:
    """Whether to offer the applicant the rate page: theirs, and something in it is decided."""
    if user.pk not in applicant_user_ids(application):
        return False
    if application.status in DECIDED_APPLICATION:
        return True
    return application.tasks.filter(status__in=DECIDED_TASK).exists()


# ---------------------------------------------------------------- staff


def rectifications_for_staff(user: User) -> QuerySet[Rectification]:
    """Rectifications of the user's own department (window clerks, coordinators, approvers) and,
    for supervisors, of every department in their region and below."""
    scope = staff_scope(user)
    rows = Rectification.objects.select_related(
        "department__region",
        "rating__application__one_thing",
        "rating__task",
        "rating__window__hall",
        "rating__rater",
    )
    if scope.is_platform_admin:
        return rows
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role in DEPARTMENT_ROLES:
            condition |= Q(department_id=grant.department_id)
        elif grant.role == StaffRole.SUPERVISOR:
            condition |= Q(department__region__path__startswith=grant.region_path)
    return rows.filter(condition)


def may_see_rectifications(user: User) -> bool:
    scope = staff_scope(user)
    return scope.is_platform_admin or any(
        g.role in DEPARTMENT_ROLES or g.role == StaffRole.SUPERVISOR for g in scope.grants
    )


def may_decide_appeals(user: User) -> bool:
    return staff_scope(user).has_role(StaffRole.SUPERVISOR)


def appeals_for_supervisor(user: User) -> QuerySet[Rectification]:
    scope = staff_scope(user)
    if not scope.has_role(StaffRole.SUPERVISOR):
        return Rectification.objects.none()
    return rectifications_for_staff(user).filter(
        scope.department_filter(StaffRole.SUPERVISOR, prefix="department__"),
        appealed_at__isnull=False,
    )


def rectification_get(user: User, pk: int) -> Rectification | None:
    return rectifications_for_staff(user).filter(pk=pk).first()


# ---------------------------------------------------------------- public figures


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    department: str
    region: str
    levels: dict[int, int] = field(default_factory=dict)
    rectifications: int = 0  # not counting those found unfounded on appeal
    rectified: int = 0  # closed after the return visit
    replied: int = 0  # replied (always by the deadline: a late reply is refused)
    overdue: int = 0  # not replied, and the deadline has passed

    @property
    def count(self) -> int:
        return sum(self.levels.values())

    @property
    def satisfied(self) -> int:
        return sum(n for level, n in self.levels.items() if level in SATISFIED_LEVELS)

    @property
    def shares(self) -> list[dict[str, object]]:
        return [
            {
                "level": int(level),
                "label": str(level.label),
                "count": self.levels.get(level, 0),
                "share": _rate(self.levels.get(level, 0), self.count),
            }
            for level in LEVELS_HIGH_TO_LOW
        ]

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.count)

    @property
    def rectification_rate(self) -> float | None:
        return _rate(self.rectified, self.rectifications)

    @property
    def on_time_reply_rate(self) -> float | None:
        return _rate(self.replied, self.replied + self.overdue)

    def add(self, other: Figures) -> None:
        for level, n in other.levels.items():
            self.levels[level] = self.levels.get(level, 0) + n
        self.rectifications += other.rectifications
        self.rectified += other.rectified
        self.replied += other.replied
        self.overdue += other.overdue


@dataclass
class Statistics:
    departments: list[Figures]
    total: Figures
    region: Region | None
    today: dt.date


def ratings_in_effect() -> QuerySet[Rating]:
    return Rating.objects.filter(rerated_by__isnull=True).exclude(
        rectification__status=S.APPEAL_UPHELD
    )


def department_statistics(
    *, region: Region | None = None, today: dt.date | None = None
) -> Statistics:
    today = today or timezone.localdate()
    ratings = ratings_in_effect()
    rectifications = Rectification.objects.exclude(status=S.APPEAL_UPHELD)
    if region is not None:
        ratings = ratings.filter(department__region__path__startswith=region.path)
        rectifications = rectifications.filter(department__region__path__startswith=region.path)
    per_level = {
        f"l{int(level)}": Count("pk", filter=Q(level=level)) for level in LEVELS_HIGH_TO_LOW
    }
    level_rows = ratings.values("department").annotate(**per_level)
    rectification_rows = rectifications.values("department").annotate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=S.CLOSED)),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        overdue=Count(
            "pk",
            filter=Q(replied_at__isnull=True, status__in=WAITING_FOR_REPLY, due_date__lt=today),
        ),
    )
    ids = {row["department"] for row in level_rows} | {
        row["department"] for row in rectification_rows
    }
    departments = {d.pk: d for d in Department.objects.filter(pk__in=ids).select_related("region")}
    figures = {
        pk: Figures(department=d.name, region=d.region.name) for pk, d in departments.items()
    }
    for row in level_rows:
        counts: dict[str, Any] = dict(row)
        figures[counts["department"]].levels = {
            level: counts[f"l{int(level)}"] for level in LEVELS_HIGH_TO_LOW
        }
    for row in rectification_rows:
        entry = figures[row["department"]]
        entry.rectifications, entry.rectified = row["total"], row["closed"]
        entry.replied, entry.overdue = row["replied"], row["overdue"]
    ordered = sorted(
        figures.items(),
        key=lambda item: (departments[item[0]].region.code, departments[item[0]].name),
    )
    total = Figures(department="", region=region.name if region else "")
    for _pk, entry in ordered:
        total.add(entry)
    return Statistics(
        departments=[entry for _pk, entry in ordered], total=total, region=region, today=today
    )


def regions_rated() -> QuerySet[Region]:
    """Regions (county level and above) with at least one rated department, for the filter."""
    paths = set(Rating.objects.values_list("department__region__path", flat=True).distinct())
    codes = {code for path in paths for code in path.strip("/").split("/") if code}
    return Region.objects.filter(code__in=codes).exclude(level=Region.Level.STREET)
