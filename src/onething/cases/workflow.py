"""The state machines of an application and of its tasks, as declarative tables.

Services ask ``application_can(state, action)`` / ``task_can(state, action)`` and move with the
target state the table gives; nothing else decides what may follow what.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from onething.core.errors import Conflict


class AppState:
    SUBMITTED = "submitted"  # 已提交，待预审
    CORRECTION = "correction"  # 待补正（时限暂停）
    ACCEPTED = "accepted"  # 已受理，办理中
    REFUSED = "refused"  # 不予受理
    DECIDED = "decided"  # 全部办结，待出件
    DELIVERED = "delivered"  # 已出件
    WITHDRAWN = "withdrawn"  # 已撤回

    CHOICES = [
        (SUBMITTED, _("已提交，待受理")),
        (CORRECTION, _("待补正")),
        (ACCEPTED, _("已受理，办理中")),
        (REFUSED, _("不予受理")),
        (DECIDED, _("已办结，待领取")),
        (DELIVERED, _("已领取")),
        (WITHDRAWN, _("已撤回")),
    ]


class TaskState:
    WAITING = "waiting"  # 等待前序事项
    RELEASED = "released"  # 已分办，待办理
    CLAIMED = "claimed"  # 办理中
    RETURNED = "returned"  # 退回补充材料
    APPROVED = "approved"  # 准予
    REJECTED = "rejected"  # 不予
    WITHDRAWN = "withdrawn"  # 申请已撤回
    REVOKED = "revoked"  # 告知承诺核查不通过，撤销

    CHOICES = [
        (WAITING, _("等待前序事项办结")),
        (RELEASED, _("已分办，待办理")),
        (CLAIMED, _("办理中")),
        (RETURNED, _("已退回补充材料")),
        (APPROVED, _("准予")),
        (REJECTED, _("不予")),
        (WITHDRAWN, _("申请已撤回")),
        (REVOKED, _("核查不通过，已撤销")),
    ]
    FINISHED = frozenset({APPROVED, REJECTED, WITHDRAWN, REVOKED})


# (state, action) → next state
APPLICATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (AppState.SUBMITTED, "accept"): AppState.ACCEPTED,
    (AppState.SUBMITTED, "refuse"): AppState.REFUSED,
    (AppState.SUBMITTED, "request_correction"): AppState.CORRECTION,
    (AppState.SUBMITTED, "withdraw"): AppState.WITHDRAWN,
    (AppState.CORRECTION, "resubmit"): AppState.SUBMITTED,
    (AppState.CORRECTION, "withdraw"): AppState.WITHDRAWN,
    (AppState.ACCEPTED, "task_returned"): AppState.CORRECTION,
    (AppState.ACCEPTED, "all_decided"): AppState.DECIDED,
    (AppState.ACCEPTED, "withdraw"): AppState.WITHDRAWN,
    (AppState.DECIDED, "deliver"): AppState.DELIVERED,
}
# After a correction of an accepted application (a task returned), resubmission goes back to
# ACCEPTED instead of SUBMITTED; ``application_resubmit`` picks the row by the pause's origin.
RESUBMIT_AFTER_RETURN = AppState.ACCEPTED

TASK_TRANSITIONS: dict[tuple[str, str], str] = {
    (TaskState.WAITING, "release"): TaskState.RELEASED,
    (TaskState.WAITING, "withdraw"): TaskState.WITHDRAWN,
    (TaskState.RELEASED, "claim"): TaskState.CLAIMED,
    (TaskState.RELEASED, "approve"): TaskState.APPROVED,
    (TaskState.RELEASED, "reject"): TaskState.REJECTED,
    (TaskState.RELEASED, "return"): TaskState.RETURNED,
    (TaskState.RELEASED, "withdraw"): TaskState.WITHDRAWN,
    (TaskState.CLAIMED, "approve"): TaskState.APPROVED,
    (TaskState.CLAIMED, "reject"): TaskState.REJECTED,
    (TaskState.CLAIMED, "return"): TaskState.RETURNED,
    (TaskState.CLAIMED, "withdraw"): TaskState.WITHDRAWN,
    (TaskState.RETURNED, "resume"): TaskState.RELEASED,
    (TaskState.RETURNED, "withdraw"): TaskState.WITHDRAWN,
    (TaskState.APPROVED, "revoke"): TaskState.REVOKED,
}

ACTION_NAMES = {
    "accept": "受理",
    "refuse": "不予受理",
    "request_correction": "一次性告知补正",
    "withdraw": "撤回",
    "resubmit": "补正后重新提交",
    "task_returned": "部门退回补充材料",
    "all_decided": "全部办结",
    "deliver": "出件",
    "release": "分办",
    "claim": "领取",
    "approve": "准予",
    "reject": "不予",
    "return": "退回补充材料",
    "resume": "恢复办理",
    "revoke": "撤销",
}


def _next(table: dict[tuple[str, str], str], what: str, state: str, action: str) -> str:
    target = table.get((state, action))
    if target is None:
        raise Conflict(
            code=f"{what}_transition_not_allowed",
            message=f"当前状态下不能进行“{ACTION_NAMES.get(action, action)}”操作。",
            message_en=f"A {what} in state {state!r} does not allow {action!r}.",
            details={"state": state, "action": action},
        )
    return target


def application_next(state: str, action: str) -> str:
    return _next(APPLICATION_TRANSITIONS, "application", state, action)


def task_next(state: str, action: str) -> str:
    return _next(TASK_TRANSITIONS, "task", state, action)
