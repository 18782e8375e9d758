"""Writes of 好差评: rate once, open a rectification on a bad rating, reply, visit, appeal.

The flow (国办发〔2019〕51号; GB/T 39734 一次一评、一事一评):

1. ``rating_submit``: the applicant rates a decided application, one decided task, or a window's
   service on a day — once. 不满意 or worse opens a ``Rectification`` in the department
   responsible, due in ``ONETHING_RECTIFICATION_DAYS`` working days (15 by default).
2. ``rectification_reply``: that department's staff reply before the deadline; the applicant is
   told.
3. ``rectification_return_visit``: the department (or a supervisor) calls the applicant back and
   closes the rectification; the applicant may then rate once more
   (``rating_submit(..., after_rectification=...)``), which supersedes the first rating.
4. ``rectification_appeal`` / ``appeal_decide`` (申诉复核): instead of replying, the department
   may ask the supervisors of its region to find the bad rating unfounded. Upheld, the rating no
   longer counts; rejected, the department must reply, with the paused working days added.

Each service locks the application row (when the rating concerns one), then the rectification,
checks the transition against ``workflow``, writes the rows, appends the timeline event and
writes the notifications, all in one transaction. A refused write (a second rating, a reply
after the deadline, an appeal on a closed rectification: a ``Conflict``) is recorded on the
application's timeline (``rating_refused`` / ``rectification_refused``) once the refused
transaction has been rolled back, then raised as before.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from onething.accounts.models import StaffMembership, StaffRole, User
from onething.accounts.selectors import staff_scope
from onething.audit.chain import event_append
from onething.cases.models import Application, Task
from onething.cases.workflow import AppState, TaskState
from onething.core.errors import Conflict, PermissionDenied, ValidationFailed
from onething.core.workdays import WorkCalendarUnknown, add_working_days, working_days_between
from onething.notify.services import notify
from onething.org.models import Department, Region, Window

from .levels import BAD_LEVELS, Level, tags_for
from .models import Rating, RatingChannel, Rectification, Target
from .workflow import rectification_next

DEFAULT_RECTIFICATION_DAYS = 15
COMMENT_MAX = 500
DECIDED_APPLICATION = frozenset({AppState.DECIDED, AppState.DELIVERED})
DECIDED_TASK = frozenset({TaskState.APPROVED, TaskState.REJECTED})
# who answers for a department's rectifications (department systems have no part in them)
DEPARTMENT_ROLES = frozenset({StaffRole.WINDOW_CLERK, StaffRole.COORDINATOR, StaffRole.APPROVER})
DUE_UNKNOWN_NOTE = "尚未收录当年的法定节假日安排，整改期限待定"


def rectification_days() -> int:
    return int(getattr(settings, "ONETHING_RECTIFICATION_DAYS", DEFAULT_RECTIFICATION_DAYS))


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- who


def applicant_user_ids(application: Application) -> set[int]:
    """The users who are the application's applicant (and so may rate it).

    The person themselves when they have an account; an enterprise's active operators; for a
    person without an account, the agent who applied for them. Never a clerk who keyed it in.
    """
    person = application.person if application.person_id is not None else None
    if person is not None and person.user_id is not None:
        return {person.user_id}
    if application.enterprise_id is not None and application.enterprise is not None:
        return set(
            application.enterprise.operators.filter(revoked_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
    if application.submitted_by.kind == User.Kind.APPLICANT:
        return {application.submitted_by_id}
    return set()


def is_department_staff(user: User, department: Department) -> bool:
    scope = staff_scope(user)
    if scope.is_platform_admin:
        return True
    return any(
        g.department_id == department.pk and g.role in DEPARTMENT_ROLES for g in scope.grants
    )


def is_supervisor_of(user: User, department: Department) -> bool:
    return staff_scope(user).covers(department, StaffRole.SUPERVISOR)


def _require_department_staff(user: User, department: Department) -> None:
    if not is_department_staff(user, department):
        raise PermissionDenied(
            code="not_department_staff",
            message=f"只有{department.name}的工作人员可以办理这件整改。",
            message_en="Only the staff of the department responsible may act on it.",
            details={"department": department.name},
        )


def _department_staff(department: Department) -> list[User]:
    rows = StaffMembership.objects.filter(
        department=department, role__in=DEPARTMENT_ROLES
    ).select_related("user")
    return list({m.user for m in rows})


def _supervisors_of(department: Department) -> list[User]:
    rows = StaffMembership.objects.filter(role=StaffRole.SUPERVISOR).select_related(
        "user", "department__region"
    )
    return list(
        {m.user for m in rows if department.region.path.startswith(m.department.region.path)}
    )


def govservice_for(region: Region) -> Department:
    """The 政务服务管理办公室 answering for a hall in ``region`` (a street's is its county's)."""
    node: Region | None = region
    while node is not None:
        found = Department.objects.filter(region=node, kind__code="govservice").first()
        if found is not None:
            return found
        node = node.parent
    raise ValidationFailed(
        code="no_govservice",
        message=f"没有找到{region.name}的政务服务管理部门。",
        message_en=f"No government-service office answers for {region.name}.",
    )


# ---------------------------------------------------------------- timeline and notices


def _locked_application(application: Application | None) -> Application | None:
    if application is None:
        return None
    return Application.objects.select_for_update().get(pk=application.pk)


def _event(
    application: Application | None,
    kind: str,
    actor: User,
    *,
    task: Task | None = None,
    channel: str = "web",
    reason: str = "",
    **data: Any,
) -> None:
    if application is None:  # a window's service concerns no application
        return
    event_append(
        application=application,
        kind=kind,
        actor=actor,
        channel=channel,
        reason=reason,
        task=task,
        data=data,
    )


Service = TypeVar("Service", bound=Callable[..., Any])


def _record_refusal(
    kind: str,
    error: Conflict,
    *,
    actor: User,
    application: Application | None = None,
    task: Task | None = None,
    rectification: Rectification | None = None,
    after_rectification: Rectification | None = None,
    **_rest: Any,
) -> None:
    rectified = rectification or after_rectification
    if rectified is not None:
        application, task = rectified.rating.application, rectified.rating.task
    elif task is not None:
        application = task.application
    if application is None:  # a window's service has no timeline
        return
    with transaction.atomic():
        _event(
            _locked_application(application),
            kind,
            actor,
            task=task,
            reason=error.message,
            code=error.code,
            message_en=error.message_en,
        )


def _records_refusals(kind: str) -> Callable[[Service], Service]:
    """Record a refused write (``Conflict``) on the application's timeline, then raise it."""

    def decorate(service: Service) -> Service:
        @functools.wraps(service)
        def run(**kwargs: Any) -> Any:
            try:
                return service(**kwargs)
            except Conflict as error:
                _record_refusal(kind, error, **kwargs)
                raise

        return cast(Service, run)

    return decorate


def rate_link(rating: Rating) -> str:
    if rating.application is not None:
        return f"/me/applications/{rating.application.number}/rate/"
    return ""


def _tell(users: Iterable[User], kind: str, subject: str, body: str, link: str = "") -> None:
    for user in users:
        notify(user=user, kind=f"rating.{kind}", subject=subject, body=body, link=link)


# ---------------------------------------------------------------- rating


def _check_level(level: Any) -> Level:
    try:
        return Level(int(level))
    except (TypeError, ValueError):
        raise ValidationFailed(
            code="level_invalid",
            message="请选择满意程度：非常满意、满意、基本满意、不满意或非常不满意。",
            message_en="Choose a level from 5 (very satisfied) to 1 (very dissatisfied).",
            details={"level": str(level)},
        ) from None


def _check_reasons(level: Level, tags: Iterable[str], comment: str) -> list[str]:
    chosen = list(dict.fromkeys(str(t).strip() for t in tags if str(t).strip()))
    allowed = tags_for(level)
    wrong = [t for t in chosen if t not in allowed]
    if wrong:
        raise ValidationFailed(
            code="tags_not_for_level",
            message=f"这些原因不适用于“{level.label}”：{'、'.join(wrong)}。请取消或重新选择。",
            message_en=f"These reasons do not go with the level chosen: {', '.join(wrong)}.",
            details={"tags": wrong, "allowed": allowed},
        )
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            code="comment_too_long",
            message=f"意见和建议请不要超过{COMMENT_MAX}字。",
            message_en=f"Keep the comment within {COMMENT_MAX} characters.",
        )
    if level in BAD_LEVELS and not chosen and not comment:
        raise ValidationFailed(
            code="reason_required",
            message="选择“不满意”或“非常不满意”时，请至少选择一个原因或写下意见，便于部门整改。",
            message_en="With a bad rating, choose at least one reason or write a comment, so "
            "the department knows what to put right.",
        )
    return chosen


def _require_rater(actor: User, application: Application) -> None:
    if actor.pk not in applicant_user_ids(application):
        raise PermissionDenied(
            code="not_applicant",
            message="只有申请人本人可以评价这件办件。",
            message_en="Only the applicant may rate this application.",
        )


def _require_decided(application: Application, task: Task | None) -> None:
    if task is not None:
        if task.status not in DECIDED_TASK:
            raise Conflict(
                code="task_not_decided",
                message=f"“{task.item_name}”还没有作出决定，部门作出决定后才能评价。",
                message_en="This task has not been decided yet; rate it once it is.",
                details={"status": task.status},
            )
        return
    if application.status not in DECIDED_APPLICATION:
        raise Conflict(
            code="application_not_decided",
            message=f"办件全部办结后才能评价整件事。当前状态：{application.get_status_display()}。",
            message_en="The application can be rated once every item is decided.",
            details={"status": application.status},
        )


def _already_rated(what: str) -> Conflict:
    return Conflict(
        code="already_rated",
        message=f"{what}已经评价过了（一次一评、一事一评）。如有差评，部门整改并回访后可以重新评价。",
        message_en="This has already been rated (one rating per service). After a bad "
        "rating is rectified and followed up, it may be rated once more.",
    )


def _existing(target: str, application: Application | None, task: Task | None) -> bool:
    current = Rating.objects.filter(target=target, supersedes__isnull=True)
    if target == Target.TASK:
        return current.filter(task=task).exists()
    return current.filter(application=application).exists()


@_records_refusals("rating_refused")
@transaction.atomic
def rating_submit(
    *,
    actor: User,
    level: int,
    tags: Iterable[str] = (),
    comment: str = "",
    channel: str = RatingChannel.WEB,
    application: Application | None = None,
    task: Task | None = None,
    window: Window | None = None,
    service_date: dt.date | None = None,
    after_rectification: Rectification | None = None,
) -> Rating:
    """Rate an application, one of its tasks, or a window's service on a day — once.

    ``after_rectification``: the applicant's new rating once that rectification is closed; the
    thing rated is the one its rating named.
    """
    chosen_level = _check_level(level)
    comment = (comment or "").strip()
    chosen_tags = _check_reasons(chosen_level, tags, comment)
    if channel not in RatingChannel.values:
        raise ValidationFailed(
            code="channel_invalid",
            message="评价渠道只能是网上、窗口、移动端或12345热线。",
            message_en="The channel is web, window, app or hotline.",
            details={"channel": channel},
        )
    previous: Rating | None = None
    if after_rectification is not None:
        previous = after_rectification.rating
        if (application is not None and application.pk != previous.application_id) or (
            task is not None and task.pk != previous.task_id
        ):
            raise ValidationFailed(
                code="rerating_target_mismatch",
                message="重新评价只能针对整改的那一项服务。",
                message_en="A re-rating is of the same service as the rectified rating.",
            )
        application, task = previous.application, previous.task
        window, service_date = previous.window, previous.service_date
    if task is not None:
        application = task.application

    if application is not None:
        target = Target.TASK if task is not None else Target.APPLICATION
        application = _locked_application(application)
        assert application is not None
        if task is not None:
            task = Task.objects.select_related("department").get(pk=task.pk)
        _require_rater(actor, application)
        _require_decided(application, task)
        department = task.department if task is not None else application.lead_department
        what = f"“{task.item_name}”" if task is not None else "这件办件"
    elif window is not None:
        target = Target.WINDOW
        if actor.kind != User.Kind.APPLICANT:
            raise PermissionDenied(
                code="not_applicant",
                message="窗口服务由办事群众评价，工作人员不能评价。",
                message_en="Window service is rated by the people served, not by staff.",
            )
        if service_date is None or service_date > timezone.localdate():
            raise ValidationFailed(
                code="service_date_invalid",
                message="请填写接受窗口服务的日期（不能晚于今天）。",
                message_en="Give the day of the window service (not later than today).",
            )
        department = govservice_for(window.hall.region)
        what = f"{window}在{cn_date(service_date)}的服务"
    else:
        raise ValidationFailed(
            code="rating_target_required",
            message="请指明评价的是哪件办件、哪个部门办件或哪个窗口的服务。",
            message_en="Say what is rated: an application, a task or a window service.",
        )

    if previous is not None:
        assert after_rectification is not None
        rectification = Rectification.objects.select_for_update().get(pk=after_rectification.pk)
        _require_rerating(actor, rectification, previous)
    elif target == Target.WINDOW:
        if Rating.objects.filter(
            target=target,
            window=window,
            service_date=service_date,
            rater=actor,
            supersedes__isnull=True,
        ).exists():
            raise _already_rated(what)
    elif _existing(target, application, task):
        raise _already_rated(what)

    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                target=target,
                application=application,
                task=task,
                window=window if target == Target.WINDOW else None,
                service_date=service_date if target == Target.WINDOW else None,
                department=department,
                rater=actor,
                level=chosen_level,
                tags=chosen_tags,
                comment=comment,
                channel=channel,
                supersedes=previous,
            )
    except IntegrityError:  # a concurrent rating of the same thing won
        raise _already_rated(what) from None
    _event(
        application,
        "rating_resubmitted" if previous is not None else "rating_submitted",
        actor,
        task=task,
        channel=channel,
        reason=comment,
        level=int(chosen_level),
        level_label=str(chosen_level.label),
        tags=chosen_tags,
        department=department.name,
    )
    if chosen_level in BAD_LEVELS:
        _rectification_open(rating, application, task, actor)
    return rating


def _require_rerating(actor: User, rectification: Rectification, previous: Rating) -> None:
    if previous.rater_id != actor.pk:
        raise PermissionDenied(
            code="not_rater",
            message="只有原评价人可以在整改后重新评价。",
            message_en="Only the person who gave the rating may rate again.",
        )
    if rectification.status != Rectification.Status.CLOSED:
        raise Conflict(
            code="rectification_not_closed",
            message="部门整改并回访办结后才能重新评价。当前整改状态："
            f"{rectification.get_status_display()}。",
            message_en="A new rating can be given once the rectification is closed after "
            "its return visit.",
            details={"status": rectification.status},
        )
    if Rating.objects.filter(supersedes=previous).exists():
        raise Conflict(
            code="already_rerated",
            message="整改后已经重新评价过了，每次整改只能重新评价一次。",
            message_en="This rating has already been given again after its rectification.",
        )


def _due(start: dt.date, days: int) -> dt.date | None:
    try:
        return add_working_days(start, days)
    except WorkCalendarUnknown:
        return None


def _rectification_open(
    rating: Rating, application: Application | None, task: Task | None, actor: User
) -> Rectification:
    days = rectification_days()
    due = _due(timezone.localdate(), days)
    rectification = Rectification.objects.create(
        rating=rating, department=rating.department, due_date=due
    )
    due_words = (
        f"请于{cn_date(due)}前（{days}个工作日内）整改答复" if due else f"{DUE_UNKNOWN_NOTE}"
    )
    _event(
        application,
        "rectification_opened",
        actor,
        task=task,
        channel=rating.channel,
        department=rating.department.name,
        due_date=due.isoformat() if due else None,
        due_note="" if due else DUE_UNKNOWN_NOTE,
    )
    _tell(
        _department_staff(rating.department),
        "rectification_opened",
        f"差评待整改：{rating.what}",
        f"收到一条“{rating.get_level_display()}”评价（{rating.what}），{due_words}。",
        f"/staff/rectifications/{rectification.pk}/",
    )
    _tell(
        [rating.rater],
        "rectification_opened",
        "您的评价已转交部门整改",
        f"您对{rating.what}的评价已转交{rating.department.name}整改，"
        + (f"将于{cn_date(due)}前答复您。" if due else "整改期限待节假日安排公布后确定。"),
        rate_link(rating),
    )
    return rectification


# ---------------------------------------------------------------- rectification


def _lock(rectification: Rectification) -> tuple[Rectification, Application | None]:
    """Lock the application (first, as every cases service does), then the rectification."""
    application = _locked_application(rectification.rating.application)
    locked = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related(
            "rating", "rating__task", "rating__window__hall", "department__region", "rating__rater"
        )
        .get(pk=rectification.pk)
    )
    if application is not None:
        locked.rating.application = application
    return locked, application


def _require_text(text: str, code: str, message: str, message_en: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(code=code, message=message, message_en=message_en)
    return text


def _require_before_deadline(rectification: Rectification, what: str, what_en: str) -> None:
    due = rectification.due_date
    if due is not None and timezone.localdate() > due:
        raise Conflict(
            code="rectification_overdue",
            message=f"整改答复期限是{cn_date(due)}，已经超过期限，不能再{what}。"
            "超期情况已计入按时答复率，请联系政务服务管理办公室处理。",
            message_en=f"The rectification was due on {due.isoformat()}; it is too late to "
            f"{what_en}.",
            details={"due_date": due.isoformat()},
        )


@_records_refusals("rectification_refused")
@transaction.atomic
def rectification_reply(*, rectification: Rectification, actor: User, reply: str) -> Rectification:
    text = _require_text(
        reply,
        "reply_required",
        "请写明整改情况或解释说明。",
        "Write what was put right, or explain.",
    )
    rectification, application = _lock(rectification)
    _require_department_staff(actor, rectification.department)
    status = rectification_next(rectification.status, "reply")
    _require_before_deadline(rectification, "答复", "reply")
    rectification.status = status
    rectification.reply, rectification.replied_by = text, actor
    rectification.replied_at = timezone.now()
    rectification.save()
    rating = rectification.rating
    _event(
        application,
        "rectification_replied",
        actor,
        task=rating.task,
        reason=text,
        department=rectification.department.name,
    )
    _tell(
        [rating.rater],
        "rectification_replied",
        "您的评价已有整改答复",
        f"{rectification.department.name}对您关于{rating.what}的评价作出了答复：{text[:120]}"
        "。稍后会回访您，回访后您可以重新评价。",
        rate_link(rating),
    )
    return rectification


@_records_refusals("rectification_refused")
@transaction.atomic
def rectification_return_visit(
    *, rectification: Rectification, actor: User, satisfied: bool, note: str = ""
) -> Rectification:
    """回访: record whether the applicant is satisfied with the rectification, and close it."""
    rectification, application = _lock(rectification)
    department = rectification.department
    if not (is_department_staff(actor, department) or is_supervisor_of(actor, department)):
        raise PermissionDenied(
            code="not_department_staff",
            message=f"回访由{department.name}或本地区政务服务监督人员进行。",
            message_en="The department responsible or the region's supervisors make the "
            "return visit.",
        )
    rectification.status = rectification_next(rectification.status, "return_visit")
    rectification.return_visit_satisfied = bool(satisfied)
    rectification.return_visit_note = (note or "").strip()
    rectification.return_visit_by, rectification.return_visit_at = actor, timezone.now()
    rectification.save()
    rating = rectification.rating
    _event(
        application,
        "rectification_visited",
        actor,
        task=rating.task,
        reason=rectification.return_visit_note,
        satisfied=bool(satisfied),
    )
    _tell(
        [rating.rater],
        "rectification_closed",
        "整改已回访办结，您可以重新评价",
        f"关于{rating.what}的整改已回访办结。如您愿意，可以重新评价一次。",
        rate_link(rating),
    )
    return rectification


@_records_refusals("rectification_refused")
@transaction.atomic
def rectification_appeal(
    *, rectification: Rectification, actor: User, reason: str
) -> Rectification:
    """申诉复核: the department asks its region's supervisors to find the bad rating unfounded."""
    text = _require_text(
        reason,
        "appeal_reason_required",
        "请写明申诉理由（例如评价与所办事项无关、恶意差评）。",
        "Give the reason for the appeal.",
    )
    rectification, application = _lock(rectification)
    _require_department_staff(actor, rectification.department)
    status = rectification_next(rectification.status, "appeal")
    _require_before_deadline(rectification, "申诉", "appeal")
    rectification.status = status
    rectification.appeal_reason, rectification.appealed_by = text, actor
    rectification.appealed_at = timezone.now()
    rectification.save()
    rating = rectification.rating
    _event(
        application,
        "rectification_appealed",
        actor,
        task=rating.task,
        reason=text,
        department=rectification.department.name,
    )
    _tell(
        _supervisors_of(rectification.department),
        "appeal_filed",
        f"差评申诉待复核：{rectification.department.name}",
        f"{rectification.department.name}对一条评价（{rating.what}）提出申诉：{text[:120]}",
        "/staff/rectifications/appeals/",
    )
    return rectification


@_records_refusals("rectification_refused")
@transaction.atomic
def appeal_decide(
    *, rectification: Rectification, actor: User, upheld: bool, note: str
) -> Rectification:
    """The supervisors' decision: upheld, the bad rating does not count; rejected, the
    department must reply, with the working days the appeal took added to its deadline."""
    text = _require_text(
        note,
        "appeal_note_required",
        "请写明复核意见。",
        "Give the reasons for the decision.",
    )
    rectification, application = _lock(rectification)
    department = rectification.department
    if not is_supervisor_of(actor, department):
        raise PermissionDenied(
            code="not_supervisor",
            message=f"申诉由{department.region.name}及上级的政务服务监督人员复核。",
            message_en="The supervisors covering the department's region decide appeals.",
        )
    if rectification.appealed_by_id == actor.pk:
        raise PermissionDenied(
            code="own_appeal",
            message="不能复核自己提出的申诉。",
            message_en="You cannot decide an appeal you filed.",
        )
    rectification.status = rectification_next(
        rectification.status, "uphold" if upheld else "reject"
    )
    rectification.appeal_note, rectification.appeal_decided_by = text, actor
    rectification.appeal_decided_at = timezone.now()
    paused = 0
    if not upheld and rectification.due_date is not None and rectification.appealed_at:
        try:
            paused = working_days_between(
                timezone.localtime(rectification.appealed_at).date(), timezone.localdate()
            )
            if paused:
                rectification.due_date = add_working_days(rectification.due_date, paused)
        except WorkCalendarUnknown:
            rectification.due_date = None
    rectification.save()
    rating = rectification.rating
    _event(
        application,
        "rectification_appeal_decided",
        actor,
        task=rating.task,
        reason=text,
        upheld=bool(upheld),
        paused_workdays=paused,
        due_date=rectification.due_date.isoformat() if rectification.due_date else None,
    )
    outcome = "申诉成立，这条差评不计入统计" if upheld else "申诉不成立，请按期整改答复"
    if rectification.appealed_by is not None:
        _tell(
            [rectification.appealed_by],
            "appeal_decided",
            f"申诉复核结果：{outcome}",
            f"关于{rating.what}的评价，复核意见：{text[:120]}",
            f"/staff/rectifications/{rectification.pk}/",
        )
    return rectification
