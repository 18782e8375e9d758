"""The closed loop of a 12345 ticket (国办发〔2020〕53号), as a declarative table.

受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价

- 受理 (receive): the agent records the call; the ticket is ``received``.
- 派单 (assign / reassign): the agent routes it to a department, or answers it directly from the
  knowledge base (``answer`` from ``received``, followed at once by ``close``).
- 办理 (claim): the department signs for it; it may also send it back (not ours).
- 答复 (answer): the department answers within the deadline.
- 督办 (escalate / supervise): an overdue ticket is escalated to the supervisors, who may add
  an instruction; the state does not change, the ticket is flagged.
- 办结 (close / redo): the agent checks the answer and closes the ticket, or sends it back.
- 回访 and 评价 (visit): the caller is asked, and their satisfaction recorded; an unsatisfied
  caller's ticket may be reopened.

Services ask ``ticket_next(state, action)``; nothing else decides what may follow what.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop, pgettext
from django.utils.translation import gettext_lazy as _

from onething.core.errors import Conflict


class TicketState:
    RECEIVED = "received"  # 已受理
    ASSIGNED = "assigned"  # 已派单，待办理
    IN_PROGRESS = "in_progress"  # 办理中
    ANSWERED = "answered"  # 部门已答复，待办结
    CLOSED = "closed"  # 已办结，待回访
    VISITED = "visited"  # 已回访

    CHOICES = [
        (RECEIVED, _("已受理")),
        (ASSIGNED, _("已派单，待办理")),
        (IN_PROGRESS, _("办理中")),
        (ANSWERED, _("已答复，待办结")),
        (CLOSED, _("已办结，待回访")),
        (VISITED, _("已回访")),
    ]
    # the answer clock runs in these states; an overdue ticket here is escalated
    OPEN = frozenset({RECEIVED, ASSIGNED, IN_PROGRESS})
    WITH_DEPARTMENT = frozenset({ASSIGNED, IN_PROGRESS})


S = TicketState

# (state, action) → next state
TICKET_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECEIVED, "assign"): S.ASSIGNED,
    (S.RECEIVED, "answer"): S.ANSWERED,
    (S.RECEIVED, "escalate"): S.RECEIVED,
    (S.RECEIVED, "supervise"): S.RECEIVED,
    (S.ASSIGNED, "claim"): S.IN_PROGRESS,
    (S.ASSIGNED, "answer"): S.ANSWERED,
    (S.ASSIGNED, "reassign"): S.ASSIGNED,
    (S.ASSIGNED, "send_back"): S.RECEIVED,
    (S.ASSIGNED, "escalate"): S.ASSIGNED,
    (S.ASSIGNED, "supervise"): S.ASSIGNED,
    (S.IN_PROGRESS, "answer"): S.ANSWERED,
    (S.IN_PROGRESS, "reassign"): S.ASSIGNED,
    (S.IN_PROGRESS, "send_back"): S.RECEIVED,
    (S.IN_PROGRESS, "escalate"): S.IN_PROGRESS,
    (S.IN_PROGRESS, "supervise"): S.IN_PROGRESS,
    (S.ANSWERED, "close"): S.CLOSED,
    (S.ANSWERED, "redo"): S.ASSIGNED,
    (S.CLOSED, "visit"): S.VISITED,
    (S.VISITED, "reopen"): S.RECEIVED,
}

# the words are marked for translation (gettext_noop): pages show them with ``word_shown``,
# error messages keep the Chinese
ACTION_NAMES = {
    "receive": gettext_noop("受理"),
    "assign": gettext_noop("派单"),
    "reassign": gettext_noop("改派"),
    "route_refused": gettext_noop("派单被拒绝"),
    "claim": gettext_noop("签收办理"),
    "send_back": gettext_noop("部门退回"),
    "answer": gettext_noop("答复"),
    "escalate": gettext_noop("督办"),
    "supervise": gettext_noop("督办意见"),
    "close": gettext_noop("办结"),
    "redo": gettext_noop("退回重办"),
    "visit": gettext_noop("回访评价"),
    "reopen": gettext_noop("重新办理"),
}

# The loop as people name it, for the page that shows where a ticket is.
LOOP = [
    gettext_noop("受理"),
    gettext_noop("派单"),
    gettext_noop("办理"),
    gettext_noop("答复"),
    gettext_noop("督办"),
    gettext_noop("办结"),
    gettext_noop("回访"),
    gettext_noop("评价"),
]


def ticket_next(state: str, action: str) -> str:
    target = TICKET_TRANSITIONS.get((state, action))
    if target is None:
        raise Conflict(
            code="ticket_transition_not_allowed",
            message=f"工单当前状态下不能进行“{ACTION_NAMES.get(action, action)}”操作。",
            message_en=f"A ticket in state {state!r} does not allow {action!r}.",
            details={"state": state, "action": action},
        )
    return target


def word_shown(word: str) -> str:
    """A step or action of the loop (``ACTION_NAMES``, ``LOOP``) in the page's language. 受理
    here is taking in a call ("Intake"), not accepting an application ("Accept", the case
    page's button), so it has its own context."""
    if word == "受理":
        return pgettext("12345 hotline", "受理")
    return gettext(word)
