"""好差评 over HTTP: the applicant rates a decided application, one of its decided tasks or a
window's service; anyone reads the public figures per department."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from onething.accounts.auth import bearer
from onething.accounts.models import User
from onething.cases.models import Task
from onething.cases.selectors import application_get, applications_of_applicant
from onething.core.errors import NotFound, ValidationFailed
from onething.org.models import Region, Window

from .models import Rating, RatingChannel, Rectification
from .selectors import Figures, department_statistics
from .services import rating_submit

router = Router(tags=["ratings"])


class RatingIn(Schema):
    application: str | None = None  # the application number
    task: int | None = None  # one of its tasks (部门办件)
    window: str | None = None  # a window code, with service_date
    service_date: dt.date | None = None
    level: int = Field(ge=1, le=5)  # 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意
    tags: list[str] = []
    comment: str = ""
    channel: RatingChannel = RatingChannel.WEB
    after_rectification: int | None = None  # the closed rectification this re-rating follows


class RectificationOut(Schema):
    id: int
    department: str
    status: str
    status_label: str
    due_date: dt.date | None
    due_note: str


class RatingOut(Schema):
    id: int
    target: str
    application: str | None
    task: int | None
    task_name: str | None
    window: str | None
    service_date: dt.date | None
    department: str
    level: int
    level_label: str
    tags: list[str]
    comment: str
    channel: str
    created_at: dt.datetime
    supersedes: int | None
    rectification: RectificationOut | None


class LevelShareOut(Schema):
    level: int
    label: str
    count: int
    share: float | None  # per cent


class RatingFiguresOut(Schema):
    department: str
    region: str
    count: int
    levels: list[LevelShareOut]
    satisfaction_rate: float | None  # per cent 基本满意 or better
    rectifications: int
    rectified: int
    rectification_rate: float | None
    replied_on_time: int
    overdue: int
    on_time_reply_rate: float | None


class StatisticsOut(Schema):
    region: str | None
    as_of: dt.date
    departments: list[RatingFiguresOut]
    total: RatingFiguresOut


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _rectification_out(rectification: Rectification) -> RectificationOut:
    return RectificationOut(
        id=rectification.pk,
        department=rectification.department.name,
        status=rectification.status,
        status_label=str(rectification.get_status_display()),
        due_date=rectification.due_date,
        due_note="" if rectification.due_date else "节假日安排尚未公布，整改期限待定",
    )


def _rating_out(rating: Rating) -> RatingOut:
    rectification = Rectification.objects.filter(rating=rating).select_related("department")
    found = rectification.first()
    return RatingOut(
        id=rating.pk,
        target=rating.target,
        application=rating.application.number if rating.application else None,
        task=rating.task_id,
        task_name=rating.task.item_name if rating.task else None,
        window=rating.window.code if rating.window else None,
        service_date=rating.service_date,
        department=rating.department.name,
        level=rating.level,
        level_label=str(rating.get_level_display()),
        tags=list(rating.tags),
        comment=rating.comment,
        channel=rating.channel,
        created_at=rating.created_at,
        supersedes=rating.supersedes_id,
        rectification=_rectification_out(found) if found else None,
    )


def _not_found(what: str, what_en: str) -> NotFound:
    return NotFound(code="not_found", message=f"没有找到{what}。", message_en=f"No such {what_en}.")


@router.post(
    "",
    auth=bearer,
    response={201: RatingOut},
    summary="Rate a decided application, one of its decided tasks, or a window service (once)",
)
def rate(request: HttpRequest, payload: RatingIn) -> Status[RatingOut]:
    user = _user(request)
    rectification = None
    application = task = window = None
    if payload.after_rectification is not None:
        rectification = Rectification.objects.filter(
            pk=payload.after_rectification, rating__rater=user
        ).first()
        if rectification is None:
            raise _not_found("这件整改", "rectification of a rating of yours")
    if payload.application:
        application = application_get(user, payload.application)
    if payload.task is not None:
        visible = applications_of_applicant(user)
        if application is not None:
            visible = visible.filter(pk=application.pk)
        task = Task.objects.filter(pk=payload.task, application__in=visible).first()
        if task is None:
            raise _not_found("这件部门办件", "task of an application of yours")
    if payload.window:
        window = Window.objects.select_related("hall__region").filter(code=payload.window).first()
        if window is None:
            raise _not_found("这个窗口", "window")
    if (application or task) and window:
        raise ValidationFailed(
            code="rating_target_ambiguous",
            message="一次只能评价一件办件或一个窗口的服务。",
            message_en="Rate either an application (or task) or a window service, not both.",
        )
    rating = rating_submit(
        actor=user,
        level=payload.level,
        tags=payload.tags,
        comment=payload.comment,
        channel=payload.channel,
        application=application,
        task=task,
        window=window,
        service_date=payload.service_date,
        after_rectification=rectification,
    )
    return Status(201, _rating_out(rating))


def _figures_out(figures: Figures) -> RatingFiguresOut:
    return RatingFiguresOut(
        department=figures.department,
        region=figures.region,
        count=figures.count,
        levels=[LevelShareOut(**share) for share in figures.shares],  # type: ignore[arg-type]
        satisfaction_rate=figures.satisfaction_rate,
        rectifications=figures.rectifications,
        rectified=figures.rectified,
        rectification_rate=figures.rectification_rate,
        replied_on_time=figures.replied,
        overdue=figures.overdue,
        on_time_reply_rate=figures.on_time_reply_rate,
    )


@router.get(
    "/stats",
    auth=None,
    response=StatisticsOut,
    summary="Public figures per department: levels, satisfaction, rectification, on-time replies",
)
def stats(request: HttpRequest, region: str | None = None) -> StatisticsOut:
    area = None
    if region:
        area = Region.objects.filter(code=region).first()
        if area is None:
            raise _not_found("这个行政区划", "region")
    figures = department_statistics(region=area)
    return StatisticsOut(
        region=area.name if area else None,
        as_of=figures.today,
        departments=[_figures_out(f) for f in figures.departments],
        total=_figures_out(figures.total),
    )
