"""The states of a rectification, as a table: services ask ``rectification_next``.

    open ──reply──► replied ──return_visit──► closed (the applicant may rate again)
      │
      └─appeal─► appealed ──uphold──► appeal_upheld (the bad rating is not counted)
                     └─────reject──► appeal_rejected ──reply──► replied ──► …

A department appeals at most once, and only before it has replied; the clock stops while the
supervisors decide, and a rejected appeal adds the paused working days to the deadline.
"""

from __future__ import annotations

from onething.core.errors import Conflict

from .models import Rectification

S = Rectification.Status

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.OPEN, "reply"): S.REPLIED,
    (S.APPEAL_REJECTED, "reply"): S.REPLIED,
    (S.REPLIED, "return_visit"): S.CLOSED,
    (S.OPEN, "appeal"): S.APPEALED,
    (S.APPEALED, "uphold"): S.APPEAL_UPHELD,
    (S.APPEALED, "reject"): S.APPEAL_REJECTED,
}

ACTIONS = {
    "reply": ("整改答复", "reply"),
    "return_visit": ("回访", "record a return visit"),
    "appeal": ("申诉复核", "appeal"),
    "uphold": ("复核决定", "decide the appeal"),
    "reject": ("复核决定", "decide the appeal"),
}

# Why an action is not possible in a state, in words (the generic message otherwise).
REFUSALS: dict[tuple[str, str], tuple[str, str, str]] = {
    (S.CLOSED, "appeal"): (
        "rectification_closed",
        "这件整改已经回访办结，不能再申诉复核。",
        "This rectification is closed after its return visit; it can no longer be appealed.",
    ),
    (S.APPEAL_UPHELD, "appeal"): (
        "appeal_already_decided",
        "这件差评已经申诉复核过了。",
        "The appeal on this rating has already been decided.",
    ),
    (S.APPEAL_REJECTED, "appeal"): (
        "appeal_already_decided",
        "申诉复核只能提出一次，复核已认定差评成立，请整改答复。",
        "A rating can be appealed once; the appeal was rejected, so reply with the rectification.",
    ),
    (S.APPEALED, "appeal"): (
        "appeal_pending",
        "已经提出申诉，正在等待复核。",
        "An appeal is already waiting for the supervisors' decision.",
    ),
    (S.REPLIED, "appeal"): (
        "already_replied",
        "已经作出整改答复，不能再申诉复核。",
        "The department has already replied; it can no longer appeal.",
    ),
    (S.APPEALED, "reply"): (
        "appeal_pending",
        "申诉复核期间不能答复，请等待复核决定。",
        "The rating is under appeal; wait for the supervisors' decision before replying.",
    ),
    (S.APPEAL_UPHELD, "reply"): (
        "appeal_upheld",
        "申诉已成立，这件差评不需要整改。",
        "The appeal was upheld; this rating needs no rectification.",
    ),
    (S.REPLIED, "reply"): (
        "already_replied",
        "已经作出整改答复，等待回访。",
        "The department has already replied; a return visit is next.",
    ),
    (S.CLOSED, "reply"): (
        "rectification_closed",
        "这件整改已经回访办结。",
        "This rectification is already closed.",
    ),
    (S.OPEN, "return_visit"): (
        "not_replied",
        "部门还没有作出整改答复，答复后才能回访。",
        "The department has not replied yet; the return visit comes after the reply.",
    ),
    (S.CLOSED, "return_visit"): (
        "rectification_closed",
        "这件整改已经回访过了。",
        "The return visit has already been recorded.",
    ),
}


def rectification_next(state: str, action: str) -> str:
    target = TRANSITIONS.get((state, action))
    if target is not None:
        return target
    refusal = REFUSALS.get((state, action))
    if refusal is not None:
        code, message, message_en = refusal
    else:
        label = S(state).label if state in S.values else state
        name, name_en = ACTIONS.get(action, (action, action))
        code = "rectification_transition_not_allowed"
        message = f"整改处于“{label}”状态，不能进行“{name}”。"
        message_en = f"A rectification in state {state!r} does not allow: {name_en}."
    details: dict[str, object] = {"state": state, "action": action}
    raise Conflict(code=code, message=message, message_en=message_en, details=details)
