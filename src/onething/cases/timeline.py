"""The timeline in words: plain for applicants, in full for staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from onething.audit.models import Event
from onething.ratings.timeline import BY_APPLICANT as RATING_BY_APPLICANT
from onething.ratings.timeline import FOR_STAFF as RATING_FOR_STAFF
from onething.ratings.timeline import PLAIN as RATING_WORDS

PLAIN = {
    "submitted": _("您的申请已提交"),
    "accepted": _("申请已受理，正在分送各部门办理"),
    "refused": _("申请未被受理"),
    "correction_issued": _("需要您补正材料或信息"),
    "correction_answered": _("您已补正，继续办理"),
    "task_created": _("已生成部门办件"),
    "task_released": _("已分送部门办理"),
    "task_claimed": _("部门已开始办理"),
    "task_approve": _("部门已准予"),
    "task_reject": _("部门决定不予办理"),
    "task_return": _("部门需要您补充材料"),
    "decided": _("全部事项已办结"),
    "withdrawn": _("申请已撤回"),
    "certificate_issued": _("已签发电子证照，可在卡包查看"),
    "certificate_revoked": _("电子证照已撤销"),
    "verification_passed": _("告知承诺核查通过"),
    "verification_failed": _("告知承诺核查未通过"),
    "task_revoked": _("办理结果已撤销"),
    "inspection_scheduled": _("已安排联合勘验"),
    "inspection_recorded": _("联合勘验已有结论"),
    "data_corrected": _("登记数据已按数据异议更正"),
    "delivery_prepared": _("办理结果已准备出件"),
    "delivered": _("办理结果已送达"),
}
HIDDEN_FROM_APPLICANTS = {"task_created", "task_claimed"}
PLAIN.update(RATING_WORDS)
# what staff read instead where the plain words speak to the applicant (“您”)
FOR_STAFF = {
    "submitted": _("申请人提交申请"),
    "correction_issued": _("已一次性告知补正"),
    "correction_answered": _("申请人已补正，继续办理"),
    "task_return": _("部门退回，需申请人补充材料"),
    "certificate_issued": _("已签发电子证照"),
    **RATING_FOR_STAFF,
}
BY_YOU = {"submitted", "correction_answered", "withdrawn", *RATING_BY_APPLICANT}


def timeline_for(
    application: Any, *, for_staff: bool, events: Iterable[Event] | None = None
) -> list[dict[str, Any]]:
    """The application's timeline in words; ``events``, when the caller holds all of them in
    order (a fresh application's first), instead of reading them."""
    if events is None:
        events = (
            Event.objects.filter(application=application).select_related("task").order_by("seq")
        )
    rows = []
    for event in events:
        if not for_staff and event.kind in HIDDEN_FROM_APPLICANTS:
            continue
        words = FOR_STAFF if for_staff and event.kind in FOR_STAFF else PLAIN
        what = str(words.get(event.kind, event.kind))
        if event.task is not None:
            what = f"{what}：{event.task.item_name}"
        rows.append(
            {
                "at": event.at,
                "what": what,
                "who": event.actor_name
                if for_staff
                else str(_("您") if event.kind in BY_YOU else _("办理部门")),
                "reason": event.reason,
                "kind": event.kind,
                "channel": event.channel,
            }
        )
    return rows
